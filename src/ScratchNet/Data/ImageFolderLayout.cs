namespace ScratchNet.Data;

/// <summary>
/// Opens image folders: <c>DIR/train/&lt;class&gt;/…</c> with <c>DIR/test/&lt;class&gt;/…</c> (or <c>val/</c>, <c>validation/</c>),
/// or a folder of class folders split by <see cref="DataSourceOptions.TestFraction"/> or paired with a test folder.
/// Every file's header is read first (on several threads), so that bad files, channels and sizes are known up front.
/// </summary>
internal static class ImageFolderLayout
{
    private static readonly string[] TestFolderNames = ["test", "val", "validation"];

    /// <summary>Whether <paramref name="directory"/> has a <c>train/</c> folder beside a test folder.</summary>
    public static (string Train, string? Test) SplitFolders(string directory)
    {
        string train = Path.Combine(directory, "train");
        if (!Directory.Exists(train)) return (directory, null);
        string? test = TestFolderNames.Select(n => Path.Combine(directory, n)).FirstOrDefault(Directory.Exists);
        return (train, test);
    }

    public static TrainTestSources Open(string directory, string? testPath, DataSourceOptions options)
    {
        var (trainRoot, testRoot) = SplitFolders(directory);
        if (testPath is not null)
        {
            if (!Directory.Exists(testPath))
                throw new DataNotFoundException($"Test folder '{testPath}' (--test-data) does not exist; for image folders it must be a folder of class folders.");
            testRoot = testPath;
        }
        ImageFolderScan train = ImageFolderScanner.Scan(trainRoot);
        ImageFolderScan? test = null;
        if (testRoot is not null)
        {
            test = ImageFolderScanner.Scan(testRoot);
            CheckSameClasses(train, test);
        }
        else if (options.TestFraction is null)
            throw new DataNotFoundException(
                $"Folder '{trainRoot}' has class folders but no test set: add a test/ folder of the same class folders beside train/, " +
                "give one with --test-data DIR, or hold out a stratified share with --test-fraction F (e.g. 0.2).");

        var skipped = new List<string>();
        var (trainFiles, trainLabels, trainHeaders) = ReadHeaders(train, options, skipped);
        var (testFiles, testLabels, testHeaders) = test is null ? ([], [], []) : ReadHeaders(test, options, skipped);
        ImageHeader[] all = [.. trainHeaders, .. testHeaders];
        string[] allFiles = [.. trainFiles, .. testFiles];

        int storedChannels = all.Any(h => h.IsColour) ? 3 : 1;
        int mismatch = Array.FindIndex(all, h => h.Width != all[0].Width || h.Height != all[0].Height);
        if (mismatch >= 0 && options.ImageSize is null)
            throw DataFormatException.ForFolder(directory,
                $"its images differ in size: '{allFiles[0]}' is {all[0].Width}×{all[0].Height} (width×height) but '{allFiles[mismatch]}' is " +
                $"{all[mismatch].Width}×{all[mismatch].Height}. Resize them all on loading with --image-size H,W (e.g. --image-size {all[0].Height},{all[0].Width}).");
        int[] shape = ImageConversion.TargetShape(storedChannels, all[0].Height, all[0].Width, options);
        int[]? stored = mismatch >= 0 ? null : [storedChannels, all[0].Height, all[0].Width];

        var trainSource = new ImageFolderSource(trainRoot, trainFiles, trainLabels, trainHeaders, train.ClassNames.AsReadOnly(), shape);
        IImageSource trainSet = trainSource, testSet;
        string testLocation;
        if (test is null)
        {
            (trainSet, testSet) = StratifiedSplit.Split(trainSource, options.TestFraction!.Value, options.Seed);
            testLocation = $"a stratified {options.TestFraction.Value:P0} of the training folder (seed {options.Seed})";
        }
        else
        {
            testSet = new ImageFolderSource(test.Root, testFiles, testLabels, testHeaders, train.ClassNames.AsReadOnly(), shape);
            testLocation = Path.GetFullPath(test.Root);
        }
        int classes = train.ClassNames.Count;
        var description = new DataDescription(DataLayout.ImageFolder, Path.GetFullPath(trainRoot), testLocation, shape, stored,
            train.ClassNames.AsReadOnly(), DataDescription.Counts(trainSet.Labels, classes), DataDescription.Counts(testSet.Labels, classes),
            train.Ignored + (test?.Ignored ?? 0), skipped);
        return new TrainTestSources(trainSet, testSet, description);
    }

    private static void CheckSameClasses(ImageFolderScan train, ImageFolderScan test)
    {
        var onlyTrain = train.ClassNames.Except(test.ClassNames, StringComparer.Ordinal).ToArray();
        var onlyTest = test.ClassNames.Except(train.ClassNames, StringComparer.Ordinal).ToArray();
        if (onlyTrain.Length == 0 && onlyTest.Length == 0) return;
        string Listed(string[] names) => names.Length == 0 ? "none" : string.Join(", ", names.Select(n => $"'{n}'"));
        throw DataFormatException.ForFolder(test.Root,
            $"its class folders differ from those of the training folder '{train.Root}': only in training: {Listed(onlyTrain)}; only in test: {Listed(onlyTest)}. " +
            "Both need the same class folders (an empty one is not allowed either).");
    }

    // Every file's header, read in parallel; a bad file stops the load (the first in order) or, when skipping, is listed and left out.
    private static (string[] Files, int[] Labels, ImageHeader[] Headers) ReadHeaders(ImageFolderScan scan, DataSourceOptions options, List<string> skipped)
    {
        int count = scan.Files.Count;
        var headers = new ImageHeader[count];
        var failures = new Exception?[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads == 0 ? Environment.ProcessorCount : options.Threads }, i =>
        {
            try
            {
                headers[i] = ImageDecoder.ReadHeader(scan.Files[i]);
            }
            catch (Exception e) when (e is DataFormatException or DataNotFoundException)
            {
                failures[i] = e;
            }
        });
        int firstBad = Array.FindIndex(failures, f => f is not null);
        if (firstBad < 0) return (scan.Files.ToArray(), scan.Labels.ToArray(), headers);
        if (!options.SkipBadImages)
            throw new DataFormatException(scan.Files[firstBad],
                ProblemOf(failures[firstBad]!) + " Replace or remove it, or add --skip-bad-images to leave such files out.", failures[firstBad]);

        var kept = Enumerable.Range(0, count).Where(i => failures[i] is null).ToArray();
        for (int i = 0; i < count; i++)
            if (failures[i] is { } f) skipped.Add($"{scan.Files[i]}: {ProblemOf(f)}");
        var labels = kept.Select(i => scan.Labels[i]).ToArray();
        for (int c = 0; c < scan.ClassNames.Count; c++)
            if (!labels.Contains(c))
                throw DataFormatException.ForFolder(scan.Root, $"its class folder '{scan.ClassNames[c]}' holds no readable images (all were skipped as bad). Add images to it or remove it.");
        return (kept.Select(i => scan.Files[i]).ToArray(), labels, kept.Select(i => headers[i]).ToArray());
    }

    // The problem without the "Data file '…' is not usable:" prefix that names the file.
    private static string ProblemOf(Exception e) =>
        e is DataFormatException f && e.Message.StartsWith($"Data file '{f.FilePath}' is not usable: ", StringComparison.Ordinal)
            ? e.Message[$"Data file '{f.FilePath}' is not usable: ".Length..]
            : e.Message;
}
