using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>Flattens each sample to a vector: [batch, d1, d2, …] → [batch, d1·d2·…].</summary>
public sealed class Flatten : Layer
{
    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random) => [new FlattenOperation()];

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        int features = 1;
        foreach (int d in inputShape.AsSpan(1)) features = checked(features * d);
        return [inputShape[0], features];
    }
}
