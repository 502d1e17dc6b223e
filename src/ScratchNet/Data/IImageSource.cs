namespace ScratchNet.Data;

/// <summary>
/// Labelled images that can be read one at a time, by index, from wherever they live (files in a folder, rows of a
/// CSV file, records of a CIFAR batch). Loaders implement it once; the same source is either decoded whole into an
/// in-memory <see cref="ImageDataset"/> or read batch by batch while training when it would not fit in memory.
/// </summary>
/// <remarks>
/// <see cref="Read"/> must be safe to call from several threads at once and must give the same values for the same
/// index every time: the same seed then gives the same batches, bit for bit, whichever way the images are read.
/// </remarks>
public interface IImageSource
{
    /// <summary>The number of images.</summary>
    int Count { get; }

    /// <summary>The shape of every image after reading, <c>[channels, height, width]</c>.</summary>
    IReadOnlyList<int> ImageShape { get; }

    /// <summary>The class names, by class index (sorted folder names, CIFAR-10's names, or "0" to "K-1").</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The class index of every image.</summary>
    IReadOnlyList<int> Labels { get; }

    /// <summary>A short name for image <paramref name="index"/> in messages: its file, or file and row or record.</summary>
    string Describe(int index);

    /// <summary>
    /// Reads image <paramref name="index"/> into <paramref name="destination"/> (length C·H·W, CHW order) as raw pixel
    /// values from 0 to 255, not standardised.
    /// </summary>
    /// <exception cref="DataFormatException">The image is corrupt, truncated or not of <see cref="ImageShape"/>.</exception>
    void Read(int index, Span<float> destination);
}
