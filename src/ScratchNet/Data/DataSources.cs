namespace ScratchNet.Data;

/// <summary>
/// One entry point for every data layout: recognises what a path holds (see <see cref="DataLayout"/>) and opens its
/// training and test images as <see cref="IImageSource"/>s, with a description for <c>scratchnet datasets</c>.
/// </summary>
public static class DataSources
{
    /// <summary>The batch files of CIFAR-10's training set.</summary>
    public static IReadOnlyList<string> CifarTrainFiles { get; } = Array.AsReadOnly(Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray());

    /// <summary>
    /// Recognises the layout of <paramref name="path"/> and opens it:
    /// a folder with IDX files (<see cref="IdxDatasetLoader"/>); a folder with <c>data_batch_1.bin</c> or <c>test_batch.bin</c> (CIFAR-10);
    /// a <c>.csv</c> file, or a folder with <c>train.csv</c> (CSV); any other folder (image folders).
    /// </summary>
    /// <param name="path">The data: a folder or a CSV file (<c>--data</c>).</param>
    /// <param name="testPath">
    /// The test set when it lives elsewhere (<c>--test-data</c>): a CSV file, or a folder of class folders; null to use the
    /// data's own test split, or <see cref="DataSourceOptions.TestFraction"/>.
    /// </param>
    /// <param name="options">Size, channels, split and bad-file handling; null for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names the command-line option).</exception>
    /// <exception cref="DataNotFoundException">The path does not exist, or holds nothing recognisable, or no test set.</exception>
    /// <exception cref="DataFormatException">The data is malformed; the message names the file (and line or record) and what to do.</exception>
    public static TrainTestSources Open(string path, string? testPath = null, DataSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new DataSourceOptions();
        options.Validate();
        DataLayout layout = Recognise(path);
        if (File.Exists(path)) return OpenCsv(path, testPath, options);
        switch (layout)
        {
            case DataLayout.Idx: return OpenIdx(path, testPath, options);
            case DataLayout.Cifar10: return OpenCifar(path, testPath, options);
            case DataLayout.Csv:
                string testCsv = Path.Combine(path, "test.csv");
                return OpenCsv(Path.Combine(path, "train.csv"), testPath ?? (File.Exists(testCsv) ? testCsv : null), options);
            default: return ImageFolderLayout.Open(path, testPath, options);
        }
    }

    /// <summary>
    /// The layout <see cref="Open"/> takes <paramref name="path"/> for, from the names of the files there (nothing is read):
    /// a file is CSV; a folder with any IDX file is IDX, with <c>data_batch_1.bin</c> or <c>test_batch.bin</c> CIFAR-10,
    /// with <c>train.csv</c> CSV, and any other folder image folders.
    /// </summary>
    /// <exception cref="DataNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    public static DataLayout Recognise(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path)) return DataLayout.Csv;
        if (!Directory.Exists(path))
            throw new DataNotFoundException($"Data '{path}' does not exist: give a folder (IDX files, CIFAR-10 batches or class folders of images) or a CSV file.");
        if (IdxDatasetLoader.FileNames.Any(name => IdxDatasetLoader.FindFile(path, name) is not null)) return DataLayout.Idx;
        if (File.Exists(Path.Combine(path, CifarTrainFiles[0])) || File.Exists(Path.Combine(path, "test_batch.bin"))) return DataLayout.Cifar10;
        if (File.Exists(Path.Combine(path, "train.csv"))) return DataLayout.Csv;
        return DataLayout.ImageFolder;
    }

    private static TrainTestSources OpenIdx(string directory, string? testPath, DataSourceOptions options)
    {
        if (testPath is not null)
            throw new DataNotFoundException($"'{directory}' holds IDX files, which bring their own test set (t10k-*); drop --test-data.");
        var (train, test) = IdxDatasetLoader.LoadFolder(directory);
        var trainSource = new InMemoryImageSource(train, IdxDatasetLoader.FindFile(directory, "train-images-idx3-ubyte")!, options);
        var testSource = new InMemoryImageSource(test, IdxDatasetLoader.FindFile(directory, "t10k-images-idx3-ubyte")!, options);
        return Described(DataLayout.Idx, directory, Path.GetFullPath(directory), trainSource, testSource, train.ImageShape);
    }

    private static TrainTestSources OpenCifar(string directory, string? testPath, DataSourceOptions options)
    {
        if (testPath is not null)
            throw new DataNotFoundException($"'{directory}' holds CIFAR-10 batches, which bring their own test set (test_batch.bin); drop --test-data.");
        string[] trainFiles = CifarTrainFiles.Select(f => Path.Combine(directory, f)).Where(File.Exists).ToArray();
        string testFile = Path.Combine(directory, "test_batch.bin");
        if (trainFiles.Length == 0 || !File.Exists(testFile))
            throw new DataNotFoundException(
                $"CIFAR-10 folder '{directory}' lacks {(trainFiles.Length == 0 ? CifarTrainFiles[0] : "test_batch.bin")}; " +
                "it needs data_batch_1.bin (up to data_batch_5.bin) and test_batch.bin.");
        string meta = Path.Combine(directory, "batches.meta.txt");
        IReadOnlyList<string> names = File.Exists(meta)
            ? Array.AsReadOnly(File.ReadAllLines(meta).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray())
            : CifarImageSource.Cifar10ClassNames;
        if (names.Count == 0) throw new DataFormatException(meta, "it names no classes; it needs one class name per line.");
        var train = new CifarImageSource(trainFiles, names, options);
        var test = new CifarImageSource([testFile], names, options);
        return Described(DataLayout.Cifar10, directory, Path.GetFullPath(testFile), train, test, [3, 32, 32]);
    }

    private static TrainTestSources OpenCsv(string path, string? testPath, DataSourceOptions options)
    {
        CsvImageSource train = CsvImageSource.Load(path, options);
        IImageSource trainSet = train, testSet;
        string testLocation;
        if (testPath is not null)
        {
            if (!File.Exists(testPath)) throw new DataNotFoundException($"Test file '{testPath}' (--test-data) does not exist; for CSV data it must be a CSV file.");
            var storedLength = train.StoredShape[0] * train.StoredShape[1] * train.StoredShape[2];
            testSet = CsvImageSource.Load(testPath, options, train.ClassNames.Count, storedLength);
            testLocation = Path.GetFullPath(testPath);
        }
        else if (options.TestFraction is { } fraction)
        {
            (trainSet, testSet) = StratifiedSplit.Split(train, fraction, options.Seed);
            testLocation = $"a stratified {fraction:P0} of the training file (seed {options.Seed})";
        }
        else
            throw new DataNotFoundException(
                $"CSV file '{path}' needs a test set: give one with --test-data test.csv, or hold out a stratified share with --test-fraction F (e.g. 0.2).");
        return Described(DataLayout.Csv, path, testLocation, trainSet, testSet, train.StoredShape);
    }

    private static TrainTestSources Described(DataLayout layout, string location, string testLocation, IImageSource train, IImageSource test,
                                              IReadOnlyList<int> stored)
    {
        int classes = train.ClassNames.Count;
        var description = new DataDescription(layout, Path.GetFullPath(location), testLocation, train.ImageShape, stored, train.ClassNames,
            DataDescription.Counts(train.Labels, classes), DataDescription.Counts(test.Labels, classes), 0, []);
        return new TrainTestSources(train, test, description);
    }
}
