namespace ScratchNet.Data;

/// <summary>How <see cref="DataSources.Open"/> reads a data set; the defaults keep the data as it is stored.</summary>
public sealed record DataSourceOptions
{
    /// <summary>
    /// Resize every image to this height and width when it is read (<c>--image-size H,W</c>), or null to keep the
    /// stored size, which must then be the same for all images. For CSV files it may also give the shape of a row.
    /// </summary>
    public (int Height, int Width)? ImageSize { get; init; }

    /// <summary>1 or 3 to force grey or colour (<c>--channels</c>), or null for what the data holds (3 when any image has colour).</summary>
    public int? Channels { get; init; }

    /// <summary>
    /// For a data set without its own test split (a folder of class folders, one CSV file): the fraction held out as a
    /// stratified, seeded test set (<c>--test-fraction</c>), strictly between 0 and 1.
    /// </summary>
    public double? TestFraction { get; init; }

    /// <summary>The seed of the <see cref="TestFraction"/> split.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Skip image files whose header is not that of an image or not readable (<c>--skip-bad-images</c>), listing them
    /// in <see cref="DataDescription.SkippedFiles"/>, instead of stopping with an error.
    /// </summary>
    public bool SkipBadImages { get; init; }

    /// <summary>The threads that read file headers; 0 for one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Checks the values; the messages name the command-line options.</summary>
    internal void Validate()
    {
        if (ImageSize is { } size && (size.Height <= 0 || size.Width <= 0 || (long)size.Height * size.Width > ImageDecoder.MaxPixels))
            throw new ArgumentException($"--image-size {size.Height},{size.Width}: height and width must be positive and at most {ImageDecoder.MaxPixels / 1_000_000} megapixels together.");
        if (Channels is { } c && c is not 1 and not 3)
            throw new ArgumentException($"--channels {c}: use 1 (grey) or 3 (colour).");
        if (TestFraction is { } f && !(f > 0 && f < 1))
            throw new ArgumentException($"--test-fraction {f}: use a fraction strictly between 0 and 1, e.g. 0.2.");
        if (Threads < 0) throw new ArgumentException($"Threads must be 0 (one per core) or more, got {Threads}.");
    }
}
