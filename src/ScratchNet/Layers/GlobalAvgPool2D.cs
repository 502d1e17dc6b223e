using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>Global average pooling: [N, C, H, W] → [N, C], the mean of each channel.</summary>
public sealed class GlobalAvgPool2D : Layer
{
    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        CheckRank(sampleShape);
        return [new GlobalAveragePooling()];
    }

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        CheckRank(inputShape.AsSpan(1));
        return [inputShape[0], inputShape[1]];
    }

    private static void CheckRank(ReadOnlySpan<int> sampleShape)
    {
        if (sampleShape.Length != 3)
            throw new ShapeMismatchException($"GlobalAvgPool2D: expected NCHW input [batch, channels, height, width], but got [batch, {string.Join(", ", sampleShape.ToArray())}].");
    }
}
