namespace ScratchNet.Data;

/// <summary>
/// The content of an IDX file of unsigned bytes: its dimensions and its values, row-major
/// (the last dimension varies fastest). For images this is <c>[count, height, width]</c>.
/// </summary>
public sealed class IdxArray
{
    /// <summary>Wraps <paramref name="dimensions"/> and <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The dimensions are not 1 to 4 positive sizes, or their product is not the data length.</exception>
    public IdxArray(int[] dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(data);
        long length = IdxFile.CheckDimensions(dimensions);
        if (length != data.Length)
            throw new ArgumentException(
                $"Dimensions {Tensor.FormatShape(dimensions)} need {length} bytes, but the data holds {data.Length}.", nameof(data));
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The size of each dimension.</summary>
    public int[] Dimensions { get; }

    /// <summary>The values, row-major.</summary>
    public byte[] Data { get; }
}
