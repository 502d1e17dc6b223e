using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Layers;

/// <summary>
/// A fully connected layer: y = activation(x·Wᵀ + b) for x of [batch, in], W of [neurons, in].
/// </summary>
public sealed class Dense : Layer
{
    /// <summary>The activation operation (linear when none was given).</summary>
    public Operation Activation { get; }

    /// <summary>Creates a dense layer with <paramref name="neurons"/> outputs.</summary>
    /// <param name="neurons">Output features; must be positive.</param>
    /// <param name="activation">The activation (a new instance per layer, as it caches its input); linear when null.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    public Dense(int neurons, Operation? activation = null, bool bias = true)
    {
        if (neurons <= 0)
            throw new ArgumentOutOfRangeException(nameof(neurons), neurons, $"Dense: neurons must be a positive number, got {neurons}.");
        Neurons = neurons;
        HasBias = bias;
        Activation = activation ?? new Linear();
    }

    /// <summary>The number of outputs.</summary>
    public int Neurons { get; }

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias { get; }

    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        int inputs = InputFeatures(sampleShape);
        var weight = new Parameter("weight", new Tensor(Neurons, inputs));
        WeightInitializer.Fill(weight.Value.Span, WeightInit, inputs, Neurons, random);
        var operations = new List<Operation> { new WeightMultiply(weight) };
        if (HasBias) operations.AddRange(BiasAndActivation.Create(new Parameter("bias", new Tensor(Neurons)), Activation));
        else operations.Add(Activation);
        return operations;
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape)
    {
        int[] weight = [Neurons, InputFeatures(sampleShape)];
        return HasBias ? [("weight", weight), ("bias", [Neurons])] : [("weight", weight)];
    }

    private static int InputFeatures(ReadOnlySpan<int> sampleShape) => sampleShape.Length == 1 ? sampleShape[0]
        : throw new ShapeMismatchException(
            $"Dense: expected input [batch, features], but got [batch, {string.Join(", ", sampleShape.ToArray())}]. Add a Flatten layer (or flatten: true on the Conv2D) before it.");

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape) => [inputShape[0], Neurons];
}
