using Microsoft.Win32.SafeHandles;

namespace ScratchNet.Data;

/// <summary>
/// Images of the CIFAR-10 binary batches: each record is one label byte and 3072 pixel bytes, the 32×32 red plane,
/// then green, then blue (CHW already). Labels are read when the source is created; <see cref="Read"/> reads one record
/// from its file at its offset, so the batches are never held in memory.
/// </summary>
public sealed class CifarImageSource : IImageSource
{
    /// <summary>The bytes of one record: the label, then 3 × 32 × 32 pixels.</summary>
    public const int RecordLength = 1 + PixelLength;

    /// <summary>The class names of CIFAR-10, used when a folder has no batches.meta.txt.</summary>
    public static IReadOnlyList<string> Cifar10ClassNames { get; } = Array.AsReadOnly(
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]);

    private const int PixelLength = 3 * 32 * 32;
    private static readonly int[] StoredShape = [3, 32, 32];
    private readonly string[] _files;
    private readonly int[] _firstRecord; // index of each file's first record; one more entry: the total
    private readonly int[] _labels, _shape;

    /// <summary>Reads the labels of the batch <paramref name="files"/>, in that order.</summary>
    /// <param name="files">The batch files, e.g. data_batch_1.bin to data_batch_5.bin.</param>
    /// <param name="classNames">The class names; every label must be below their count.</param>
    /// <param name="options">Forced channels or size (<see cref="DataSourceOptions.Channels"/>, <see cref="DataSourceOptions.ImageSize"/>).</param>
    /// <exception cref="DataNotFoundException">A file does not exist.</exception>
    /// <exception cref="DataFormatException">A file's length is not a whole number of records, or a label is not a class.</exception>
    public CifarImageSource(IReadOnlyList<string> files, IReadOnlyList<string> classNames, DataSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(options);
        _files = files.ToArray();
        _firstRecord = new int[_files.Length + 1];
        var labels = new List<int>();
        Span<byte> label = stackalloc byte[1];
        for (int f = 0; f < _files.Length; f++)
        {
            // The length from the file's status, before opening: a pipe (length 0) would wait for a writer.
            long length = new FileInfo(_files[f]).Length;
            if (length == 0 || length % RecordLength != 0)
                throw new DataFormatException(_files[f],
                    $"it is {length:N0} bytes long, not a whole number of CIFAR-10 records of {RecordLength} bytes (1 label byte and 3072 pixel bytes); it is truncated or not a CIFAR-10 batch.");
            long records = length / RecordLength;
            using SafeFileHandle handle = Open(_files[f]);
            for (long r = 0; r < records; r++)
            {
                RandomAccess.Read(handle, label, r * RecordLength);
                if (label[0] >= classNames.Count)
                    throw new DataFormatException(_files[f],
                        $"record {r} has label {label[0]}, but there are {classNames.Count} classes (0 to {classNames.Count - 1}).");
                labels.Add(label[0]);
            }
            _firstRecord[f + 1] = labels.Count;
        }
        _labels = labels.ToArray();
        _shape = ImageConversion.TargetShape(3, 32, 32, options);
        ClassNames = classNames;
    }

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> ImageShape => _shape;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc/>
    public string Describe(int index)
    {
        int f = FileOf(index);
        return $"{_files[f]}, record {index - _firstRecord[f]}";
    }

    /// <inheritdoc/>
    public void Read(int index, Span<float> destination)
    {
        int f = FileOf(index);
        Span<byte> pixels = stackalloc byte[PixelLength];
        using (SafeFileHandle handle = Open(_files[f]))
            if (RandomAccess.Read(handle, pixels, (long)(index - _firstRecord[f]) * RecordLength + 1) != PixelLength)
                throw new DataFormatException(_files[f], $"record {index - _firstRecord[f]} is cut short; was the file changed while reading?");
        bool asStored = _shape.AsSpan().SequenceEqual(StoredShape);
        Span<float> values = asStored ? destination : new float[PixelLength];
        for (int i = 0; i < PixelLength; i++) values[i] = pixels[i];
        if (!asStored) ImageConversion.Convert(values, 3, 32, 32, destination, _shape);
    }

    private int FileOf(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        int f = Array.BinarySearch(_firstRecord, index);
        if (f < 0) f = ~f - 1;
        while (_firstRecord[f + 1] == index) f++; // skip files of no records (never, since empty files are refused)
        return f;
    }

    private static SafeFileHandle Open(string path)
    {
        try
        {
            return File.OpenHandle(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataNotFoundException($"CIFAR-10 batch '{path}' does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ImageDecoder.Unreadable(path, e);
        }
    }
}
