namespace ScratchNet.Data;

/// <summary>
/// Images stored as rows of a CSV file, <c>label,pixel1,…,pixelN</c>, as in Kaggle's MNIST and Fashion-MNIST files: an
/// optional header line (recognised by a first cell that is not a number), then one image per line, the label a class
/// index from 0 and the pixels whole numbers from 0 to 255. A row of H·W pixels is a grey image, row-major; a row of
/// 3·H·W pixels is a colour image in CHW order (all red values, then all green, then all blue, as in CIFAR).
/// Square images are inferred from N; other shapes need <see cref="DataSourceOptions.ImageSize"/>.
/// The file is parsed once, into one byte per pixel; class names are "0" to "K-1".
/// </summary>
public sealed class CsvImageSource : IImageSource
{
    private readonly byte[] _pixels;
    private readonly int[] _labels, _storedShape, _shape;
    private readonly int[] _lines;

    private CsvImageSource(string path, CsvTable table, int[] storedShape, int[] shape, IReadOnlyList<string> classNames)
    {
        Path = path;
        _pixels = table.Pixels;
        _labels = table.Labels;
        _lines = table.Lines;
        _storedShape = storedShape;
        _shape = shape;
        ClassNames = classNames;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>The shape of a row's image as stored, <c>[channels, height, width]</c>.</summary>
    public IReadOnlyList<int> StoredShape => _storedShape;

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> ImageShape => _shape;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc/>
    public string Describe(int index) => $"{Path}, line {_lines[index]}";

    /// <summary>
    /// Parses <paramref name="path"/>. With <paramref name="classCount"/> (the training file's, when this is the test file)
    /// labels must lie below it and rows must have <paramref name="valuesPerRow"/> pixels; otherwise the classes are 0 to the largest label.
    /// </summary>
    /// <exception cref="DataNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A row is malformed (its line is named), or the row length fits no image shape.</exception>
    public static CsvImageSource Load(string path, DataSourceOptions options, int? classCount = null, int? valuesPerRow = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(path)) throw new DataNotFoundException($"CSV file '{path}' does not exist.");
        CsvTable table = CsvParser.Parse(path, classCount, valuesPerRow);
        int[] stored = StoredShapeOf(path, table.ValuesPerRow, options);
        int classes = classCount ?? table.Labels.Max() + 1;
        var names = Array.AsReadOnly(Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray());
        return new CsvImageSource(path, table, stored, ImageConversion.TargetShape(stored[0], stored[1], stored[2], options), names);
    }

    /// <inheritdoc/>
    public void Read(int index, Span<float> destination)
    {
        int length = _storedShape[0] * _storedShape[1] * _storedShape[2];
        ReadOnlySpan<byte> row = _pixels.AsSpan(index * length, length);
        bool asStored = _shape.AsSpan().SequenceEqual(_storedShape);
        Span<float> values = asStored ? destination : new float[length];
        for (int i = 0; i < row.Length; i++) values[i] = row[i];
        if (!asStored) ImageConversion.Convert(values, _storedShape[0], _storedShape[1], _storedShape[2], destination, _shape);
    }

    // N values: H·W (grey) or 3·H·W (colour); square unless --image-size says otherwise. --channels converts afterwards.
    private static int[] StoredShapeOf(string path, int n, DataSourceOptions options)
    {
        int[] channelChoices = [1, 3];
        if (options.ImageSize is (int h, int w))
            foreach (int c in channelChoices)
                if ((long)c * h * w == n) return [c, h, w];
        foreach (int c in channelChoices)
        {
            int side = (int)Math.Round(Math.Sqrt(n / (double)c));
            if (n % c == 0 && side * side == n / c) return [c, side, side];
        }
        throw new DataFormatException(path,
            $"its rows have {n} pixel values, which is neither a square grey image (H·H) nor a square colour image (3·H·H)" +
            (options.ImageSize is (int hh, int ww) ? $" nor {hh}×{ww} in 1 or 3 channels" : "") +
            ". Give the stored size with --image-size H,W (N must be H·W, or 3·H·W for colour).");
    }
}
