using System.Numerics.Tensors;
using System.Text;

namespace ScratchNet;

/// <summary>
/// A dense float32 tensor stored row-major (the last axis varies fastest).
/// Images are NCHW <c>[batch, channels, height, width]</c>; convolution weights are OIHW
/// <c>[out channels, in channels, kernel height, kernel width]</c>, as PyTorch and ONNX store them.
/// </summary>
/// <remarks>
/// The backing array may be longer than <see cref="Length"/>: operations reuse one buffer across
/// batches of different sizes, so always go through <see cref="Span"/>, never the raw array length.
/// </remarks>
public sealed class Tensor
{
    private readonly float[] _data;
    private readonly int[] _shape;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    public Tensor(params ReadOnlySpan<int> shape)
        : this(new float[CheckedLength(shape)], shape)
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The array is shorter than the shape needs.</exception>
    public Tensor(float[] data, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int length = CheckedLength(shape);
        if (data.Length < length)
            throw new ArgumentException(
                $"A tensor of shape {FormatShape(shape)} needs {length} values, but the array holds {data.Length}.",
                nameof(data));
        _data = data;
        _shape = shape.ToArray();
        Length = length;
    }

    /// <summary>The size of each axis.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of axes.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The elements, row-major.</summary>
    public Span<float> Span => _data.AsSpan(0, Length);

    /// <summary>The backing array (may be longer than <see cref="Length"/>).</summary>
    internal float[] Buffer => _data;

    /// <summary>The size of axis <paramref name="axis"/>; negative axes count from the end.</summary>
    public int Dim(int axis) => _shape[axis < 0 ? _shape.Length + axis : axis];

    /// <summary>Element access by flat (row-major) index.</summary>
    public float this[int index]
    {
        get => Span[index];
        set => Span[index] = value;
    }

    /// <summary>The number of elements per item of the first axis (per sample, for a batch).</summary>
    public int SampleLength => Rank == 0 ? 1 : (_shape[0] == 0 ? 0 : Length / _shape[0]);

    /// <summary>True when this tensor's shape equals <paramref name="shape"/>.</summary>
    public bool HasShape(ReadOnlySpan<int> shape) => shape.SequenceEqual(_shape);

    /// <summary>A tensor sharing this one's data with another shape of the same length.</summary>
    public Tensor Reshape(params ReadOnlySpan<int> shape)
    {
        int length = CheckedLength(shape);
        if (length != Length)
            throw new ArgumentException(
                $"Cannot reshape a tensor of shape {ShapeText} ({Length} values) to {FormatShape(shape)} ({length} values).");
        return new Tensor(_data, shape);
    }

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new(Span.ToArray(), _shape);

    /// <summary>Copies the values of <paramref name="source"/>, which must have the same length.</summary>
    public void CopyFrom(Tensor source)
    {
        if (source.Length != Length)
            throw new ArgumentException($"Cannot copy {source.ShapeText} into {ShapeText}.");
        source.Span.CopyTo(Span);
    }

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(float value) => Span.Fill(value);

    /// <summary>Creates a tensor from values, copying them.</summary>
    public static Tensor FromArray(float[] values, params ReadOnlySpan<int> shape) => new((float[])values.Clone(), shape);

    /// <summary>
    /// Returns <paramref name="cache"/> when it already has <paramref name="shape"/>; otherwise a tensor
    /// of that shape that reuses the cached array when it is large enough. The content is not cleared.
    /// This is how operations keep the training loop free of allocations.
    /// </summary>
    public static Tensor Reuse(ref Tensor? cache, params ReadOnlySpan<int> shape)
    {
        if (cache is not null && cache.HasShape(shape))
            return cache;
        int length = CheckedLength(shape);
        cache = cache is not null && cache._data.Length >= length
            ? new Tensor(cache._data, shape)
            : new Tensor(shape);
        return cache;
    }

    /// <summary>The shape as text, e.g. <c>[60, 1, 28, 28]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>Formats a shape as <c>[a, b, c]</c>.</summary>
    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
            text.Append(i == 0 ? "" : ", ").Append(shape[i]);
        return text.Append(']').ToString();
    }

    /// <summary>True when every element is finite (no NaN, no infinity).</summary>
    public bool AllFinite()
    {
        foreach (float v in Span)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>The sum of all elements.</summary>
    public float Sum() => TensorPrimitives.Sum<float>(Span);

    /// <inheritdoc />
    public override string ToString() => $"Tensor{ShapeText}";

    private static int CheckedLength(ReadOnlySpan<int> shape)
    {
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"Tensor dimensions must be non-negative, got {FormatShape(shape)}.");
            length *= d;
            if (length > Array.MaxLength)
                throw new ArgumentException($"A tensor of shape {FormatShape(shape)} exceeds the largest array .NET supports.");
        }
        return (int)length;
    }
}
