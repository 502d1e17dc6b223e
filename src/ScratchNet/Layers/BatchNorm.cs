using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Layers;

/// <summary>
/// Batch normalisation over the channel axis of [N, F] (dense) or [N, C, H, W] (convolution) inputs:
/// y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε). Training uses the batch statistics and updates the running ones;
/// inference uses the running ones.
/// </summary>
/// <remarks>
/// Built from three operations: <see cref="BatchNormalization"/> (no parameters; the statistics and the buffers
/// "running_mean" and "running_var"), <see cref="ChannelScale"/> (γ, parameter "weight", initially 1) and
/// <see cref="BiasAdd"/> (β, parameter "bias", initially 0). The names follow PyTorch's BatchNorm. With an
/// activation, β and the activation run as one fused operation (<see cref="BiasActivation"/>), which saves a trip
/// through memory over a separate <see cref="ActivationLayer"/> and gives the same numbers. On images, with no
/// activation or with ReLU, tanh or sigmoid, all of it runs as one <see cref="FusedBatchNorm"/>: again the same
/// numbers, bit for bit, in fewer passes.
/// A training batch must hold at least two values per channel (for [N, F] input: at least two samples), as in PyTorch;
/// a bias in the layer before is redundant (the mean is subtracted), so create it with <c>bias: false</c>.
/// </remarks>
public sealed class BatchNorm : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="momentum">Weight of each batch's statistics in the running ones, in [0, 1] (PyTorch's convention).</param>
    /// <param name="epsilon">Added to the variance before the square root; positive.</param>
    /// <param name="activation">Applied after the shift β (a new instance per layer); none when null.</param>
    public BatchNorm(float momentum = 0.1f, float epsilon = 1e-5f, Operation? activation = null)
    {
        Activation = activation ?? new Linear();
        Momentum = BatchNormalization.ValidateMomentum(momentum, "BatchNorm");
        Epsilon = BatchNormalization.ValidateEpsilon(epsilon, "BatchNorm");
    }

    /// <summary>Weight of each batch's statistics in the running ones.</summary>
    public float Momentum { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The activation after the shift (linear when none was given).</summary>
    public Operation Activation { get; }

    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        int channels = Channels(sampleShape);
        var gamma = new Parameter("weight", new Tensor(channels));
        gamma.Value.Fill(1f);
        var normalisation = new BatchNormalization(channels, Momentum, Epsilon);
        var beta = new Parameter("bias", new Tensor(channels));
        // Images, with no activation or one whose derivative its output gives: one fused operation, the same numbers.
        if (sampleShape.Length > 1 && Activation is Linear or Activation { DerivativeFromOutput: true })
            return [new FusedBatchNorm(normalisation, gamma, beta, Activation as Activation)];
        return [normalisation, new ChannelScale(gamma), .. BiasAndActivation.Create(beta, Activation)];
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape)
    {
        int[] channels = [Channels(sampleShape)];
        return [("weight", channels), ("bias", channels), ("running_mean", channels), ("running_var", channels)];
    }

    private static int Channels(ReadOnlySpan<int> sampleShape) => sampleShape.Length >= 1 && sampleShape[0] > 0 ? sampleShape[0]
        : throw new ShapeMismatchException(
            $"BatchNorm: expected input [batch, channels, ...] with at least one channel, but got [batch, {string.Join(", ", sampleShape.ToArray())}].");

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
}
