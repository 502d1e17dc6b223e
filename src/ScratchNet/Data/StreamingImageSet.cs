namespace ScratchNet.Data;

/// <summary>
/// Labelled images that stay where they are (files, rows, records) and are read while the network trains: background
/// threads read and standardise the next few batches of a pass while the current one trains, so memory holds only
/// those batches, however many images there are. The batches are the ones an in-memory <see cref="ImageDataset"/> of
/// the same images would give, bit for bit.
/// </summary>
public sealed class StreamingImageSet : IBatchSource
{
    private readonly IImageSource _source;
    private readonly int[] _sampleShape;

    /// <summary>Streams the images of <paramref name="source"/>, standardised by <paramref name="standardizer"/> when given.</summary>
    /// <param name="source">Where the images are read from.</param>
    /// <param name="standardizer">The standardisation applied to each image after reading (null: raw 0–255 values).</param>
    /// <param name="readerThreads">Threads that read images in the background (at least 1).</param>
    /// <param name="prefetchBatches">Batches read ahead of the one being trained (at least 1); memory holds this many plus one.</param>
    public StreamingImageSet(IImageSource source, Standardizer? standardizer, int readerThreads = 2, int prefetchBatches = 4)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readerThreads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prefetchBatches);
        if (source.Count == 0) throw new ArgumentException("The source holds no images.", nameof(source));
        _sampleShape = [.. source.ImageShape];
        if (_sampleShape.Length != 3) throw new ArgumentException($"Images must be [channels, height, width], got {Tensor.FormatShape(_sampleShape)}.", nameof(source));
        if (standardizer is not null && standardizer.Channels != _sampleShape[0])
            throw new ArgumentException($"The standardizer has {standardizer.Channels} channel(s) but the images have {_sampleShape[0]}.", nameof(standardizer));
        _source = source;
        Standardizer = standardizer;
        ReaderThreads = readerThreads;
        PrefetchBatches = prefetchBatches;
    }

    /// <summary>Where the images are read from.</summary>
    public IImageSource Source => _source;

    /// <summary>The standardisation applied to each image, or null.</summary>
    public Standardizer? Standardizer { get; }

    Standardizer? IBatchSource.Standardization => Standardizer;

    /// <summary>Threads reading images in the background during a pass.</summary>
    public int ReaderThreads { get; }

    /// <summary>Batches read ahead of the one being used.</summary>
    public int PrefetchBatches { get; }

    /// <inheritdoc/>
    public int Count => _source.Count;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _sampleShape;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    /// <inheritdoc/>
    public IReadOnlyList<int> Labels => _source.Labels;

    /// <inheritdoc/>
    public IBatchPass BeginPass(int[] order, int batchSize, int firstBatch = 0)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        return new PrefetchingBatchPass(_source, Standardizer, order, batchSize, firstBatch, ReaderThreads, PrefetchBatches);
    }
}
