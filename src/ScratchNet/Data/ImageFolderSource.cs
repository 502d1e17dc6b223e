namespace ScratchNet.Data;

/// <summary>
/// Images stored as files, one class per folder, decoded by <see cref="ImageDecoder"/> each time one is read (nothing is
/// cached: a file is opened, decoded and closed in <see cref="Read"/>). Created by <see cref="DataSources.Open"/>, which
/// reads every file's header first, so that the channels and size are known.
/// </summary>
public sealed class ImageFolderSource : IImageSource
{
    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly ImageHeader[] _headers;
    private readonly int[] _shape;

    internal ImageFolderSource(string root, string[] files, int[] labels, ImageHeader[] headers, IReadOnlyList<string> classNames, int[] shape)
    {
        Root = root;
        _files = files;
        _labels = labels;
        _headers = headers;
        _shape = shape;
        ClassNames = classNames;
    }

    /// <summary>The folder holding the class folders.</summary>
    public string Root { get; }

    /// <summary>The image files, by index: class after class, each class's files sorted ordinally.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <inheritdoc/>
    public int Count => _files.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> ImageShape => _shape;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc/>
    public string Describe(int index) => _files[index];

    /// <inheritdoc/>
    public void Read(int index, Span<float> destination)
    {
        int channels = _shape[0], height = _shape[1], width = _shape[2];
        if (destination.Length != channels * height * width)
            throw new ArgumentException($"Image {index} needs room for {channels * height * width} values, got {destination.Length}.", nameof(destination));
        string path = _files[index];
        var (image, header) = ImageDecoder.DecodeFile(path);
        if (header.Width != _headers[index].Width || header.Height != _headers[index].Height)
            throw new DataFormatException(path,
                $"it is now {header.Width}×{header.Height} pixels but was {_headers[index].Width}×{_headers[index].Height} when the folder was opened; was it replaced while reading?");
        if (header.Width == width && header.Height == height)
        {
            ImageDecoder.WritePixels(image, channels, destination);
            return;
        }
        var pixels = new float[channels * header.Width * header.Height];
        ImageDecoder.WritePixels(image, channels, pixels);
        ImageResizer.Resize(pixels, channels, header.Height, header.Width, destination, height, width);
    }
}
