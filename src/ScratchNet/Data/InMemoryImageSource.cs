namespace ScratchNet.Data;

/// <summary>
/// An <see cref="ImageDataset"/> seen as an <see cref="IImageSource"/> (how IDX files, which load whole, join the other
/// layouts), optionally converted to other channels or size as images are read.
/// </summary>
public sealed class InMemoryImageSource : IImageSource
{
    private readonly ImageDataset _dataset;
    private readonly string _name;
    private readonly int[] _shape;

    /// <summary>The images of <paramref name="dataset"/>, read as <paramref name="options"/> ask.</summary>
    /// <param name="dataset">Images of raw 0–255 values (grey or colour).</param>
    /// <param name="name">Names the images in messages: "<paramref name="name"/> image 12".</param>
    /// <param name="options">Forced channels or size, or null to keep them.</param>
    public InMemoryImageSource(ImageDataset dataset, string name, DataSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(name);
        int[] stored = dataset.ImageShape;
        if (stored[0] is not 1 and not 3)
            throw new ArgumentException($"Images must have 1 or 3 channels, got {stored[0]}.", nameof(dataset));
        _dataset = dataset;
        _name = name;
        _shape = ImageConversion.TargetShape(stored[0], stored[1], stored[2], options ?? new DataSourceOptions());
    }

    /// <inheritdoc/>
    public int Count => _dataset.Count;

    /// <inheritdoc/>
    public IReadOnlyList<int> ImageShape => _shape;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => _dataset.ClassNames;

    /// <inheritdoc/>
    public IReadOnlyList<int> Labels => _dataset.Labels;

    /// <inheritdoc/>
    public string Describe(int index) => $"{_name} image {index}";

    /// <inheritdoc/>
    public void Read(int index, Span<float> destination)
    {
        Tensor images = _dataset.Images;
        int sample = images.SampleLength;
        ImageConversion.Convert(images.Span.Slice(index * sample, sample), images.Dim(1), images.Dim(2), images.Dim(3), destination, _shape);
    }
}
