using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>
/// A shape-preserving operation as a layer of its own, e.g. the ReLU after a batch norm
/// (Conv2D → BatchNorm → ActivationLayer(new ReLU())) or a <see cref="ScratchNet.Operations.Activations.Softmax"/> output.
/// </summary>
public sealed class ActivationLayer : Layer
{
    /// <summary>Wraps <paramref name="operation"/>, which must keep the input's shape (a new instance per layer, as it caches its input).</summary>
    public ActivationLayer(Operation operation) => Activation = operation ?? throw new ArgumentNullException(nameof(operation));

    /// <summary>The wrapped operation.</summary>
    public Operation Activation { get; }

    /// <inheritdoc />
    public override string Name => Activation.Name;

    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random) => [Activation];

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
}
