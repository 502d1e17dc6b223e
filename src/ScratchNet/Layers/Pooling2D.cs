using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>Max or average pooling over each channel: [N, C, H, W] → [N, C, OH, OW]. The stride defaults to the window size.</summary>
public abstract class Pooling2D : Layer
{
    /// <summary>Creates the layer; validates every size with the value received.</summary>
    protected Pooling2D(PoolingKind kind, int poolSize, int? stride, Padding? padding, int? poolWidth, int? strideWidth)
    {
        Kind = kind;
        PoolHeight = Positive(poolSize, nameof(poolSize));
        PoolWidth = Positive(poolWidth ?? poolSize, nameof(poolWidth));
        StrideHeight = Positive(stride ?? PoolHeight, nameof(stride));
        StrideWidth = Positive(strideWidth ?? stride ?? PoolWidth, nameof(strideWidth));
        Padding = padding ?? Padding.Valid;
    }

    /// <summary>Max or average.</summary>
    public PoolingKind Kind { get; }

    /// <summary>Window rows.</summary>
    public int PoolHeight { get; }

    /// <summary>Window columns.</summary>
    public int PoolWidth { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth { get; }

    /// <summary>Border handling (valid by default).</summary>
    public Padding Padding { get; }

    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        var operation = new PoolingOperation(Kind, PoolHeight, PoolWidth, StrideHeight, StrideWidth, Padding);
        operation.GeometryFor([1, .. sampleShape]); // fail now, with a clear message, if the window does not fit
        return [operation];
    }

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        var g = new PoolingOperation(Kind, PoolHeight, PoolWidth, StrideHeight, StrideWidth, Padding).GeometryFor(inputShape);
        return [inputShape[0], inputShape[1], g.OutputHeight, g.OutputWidth];
    }

    private int Positive(int value, string name) => value > 0 ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{Name}: {name} must be a positive number, got {value}.");
}

/// <summary>Max pooling: each output is the largest value in its window.</summary>
/// <param name="poolSize">Window height (and width unless <paramref name="poolWidth"/> is given).</param>
/// <param name="stride">Vertical stride (and horizontal unless <paramref name="strideWidth"/> is given); the window size when null.</param>
/// <param name="padding">Border handling; valid when null.</param>
/// <param name="poolWidth">Window width when it differs from the height.</param>
/// <param name="strideWidth">Horizontal stride when it differs from the vertical one.</param>
public sealed class MaxPool2D(int poolSize = 2, int? stride = null, Padding? padding = null, int? poolWidth = null, int? strideWidth = null)
    : Pooling2D(PoolingKind.Max, poolSize, stride, padding, poolWidth, strideWidth);

/// <summary>Average pooling: each output is the mean of its window (padding counts as zeros).</summary>
/// <param name="poolSize">Window height (and width unless <paramref name="poolWidth"/> is given).</param>
/// <param name="stride">Vertical stride (and horizontal unless <paramref name="strideWidth"/> is given); the window size when null.</param>
/// <param name="padding">Border handling; valid when null.</param>
/// <param name="poolWidth">Window width when it differs from the height.</param>
/// <param name="strideWidth">Horizontal stride when it differs from the vertical one.</param>
public sealed class AvgPool2D(int poolSize = 2, int? stride = null, Padding? padding = null, int? poolWidth = null, int? strideWidth = null)
    : Pooling2D(PoolingKind.Average, poolSize, stride, padding, poolWidth, strideWidth);
