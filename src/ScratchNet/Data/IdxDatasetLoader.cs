namespace ScratchNet.Data;

/// <summary>
/// Loads an MNIST-style data set from a folder holding the four standard IDX files
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c>, each plain or gzipped with a <c>.gz</c> suffix.
/// </summary>
public static class IdxDatasetLoader
{
    /// <summary>The class names of Fashion-MNIST, by label.</summary>
    public static IReadOnlyList<string> FashionMnistClassNames { get; } = Array.AsReadOnly(
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]);

    private const string TrainImages = "train-images-idx3-ubyte";
    private const string TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte";
    private const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The four file names a data folder needs, without the optional <c>.gz</c> suffix.</summary>
    internal static IReadOnlyList<string> FileNames { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>
    /// Loads the training and test sets from <paramref name="directory"/>. Images become
    /// <c>[count, 1, height, width]</c> tensors of the raw pixel values 0 to 255 (not standardised);
    /// labels are the class indices.
    /// </summary>
    /// <param name="directory">The folder holding the four IDX files.</param>
    /// <param name="classNames">
    /// The class names, by label. When null: the Fashion-MNIST names when the folder's own name contains
    /// "fashion" (any case) and no label exceeds 9; otherwise "0" to "K-1", where K is the largest label
    /// in either set plus one.
    /// </param>
    /// <exception cref="DataNotFoundException">The folder does not exist or lacks some of the files.</exception>
    /// <exception cref="DataFormatException">
    /// A file is not a valid IDX file, images are not rank 3 or labels not rank 1, image and label counts
    /// differ, training and test images differ in size, or a label is not below the number of class names.
    /// </exception>
    public static (ImageDataset Train, ImageDataset Test) LoadFolder(string directory, IReadOnlyList<string>? classNames = null)
    {
        CheckFolder(directory, classNames, FileNames);

        var (trainImages, height, width) = ReadImages(FindFile(directory, TrainImages)!);
        var (testImages, testHeight, testWidth) = ReadImages(FindFile(directory, TestImages)!);
        string trainLabelsPath = FindFile(directory, TrainLabels)!, testLabelsPath = FindFile(directory, TestLabels)!;
        int[] trainLabels = ReadLabels(trainLabelsPath, trainImages);
        int[] testLabels = ReadLabels(testLabelsPath, testImages);
        if (testHeight != height || testWidth != width)
            throw new DataFormatException(testImages.Path,
                $"its images are {testHeight}×{testWidth} (height×width) but the training images in '{trainImages.Path}' are {height}×{width}; both sets must have the same image size.");

        int maxLabel = Math.Max(trainLabels.Max(), testLabels.Max()); // IDX dimensions are at least 1: never empty.
        classNames ??= DefaultClassNames(directory, maxLabel);
        CheckLabels(trainLabelsPath, trainLabels, classNames.Count);
        CheckLabels(testLabelsPath, testLabels, classNames.Count);

        return (new ImageDataset(ToTensor(trainImages.Data, height, width), trainLabels, classNames),
                new ImageDataset(ToTensor(testImages.Data, height, width), testLabels, classNames));
    }

    /// <summary>
    /// Loads only the test set of <paramref name="directory"/>, as <see cref="LoadFolder"/> does, without opening the
    /// training files (which may be large, or damaged, and are not needed to evaluate a model).
    /// </summary>
    /// <param name="directory">The folder holding at least <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>.</param>
    /// <param name="classNames">
    /// The class names, by label. When null, the same rule as <see cref="LoadFolder"/>, with K the largest test label
    /// plus one (the training labels are not read).
    /// </param>
    /// <exception cref="DataNotFoundException">The folder does not exist or lacks a test file.</exception>
    /// <exception cref="DataFormatException">
    /// A test file is not a valid IDX file, images are not rank 3 or labels not rank 1, image and label counts differ,
    /// or a label is not below the number of class names.
    /// </exception>
    public static ImageDataset LoadTest(string directory, IReadOnlyList<string>? classNames = null)
    {
        CheckFolder(directory, classNames, [TestImages, TestLabels]);
        var (images, height, width) = ReadImages(FindFile(directory, TestImages)!);
        string labelsPath = FindFile(directory, TestLabels)!;
        int[] labels = ReadLabels(labelsPath, images);
        classNames ??= DefaultClassNames(directory, labels.Max());
        CheckLabels(labelsPath, labels, classNames.Count);
        return new ImageDataset(ToTensor(images.Data, height, width), labels, classNames);
    }

    // The folder exists and holds every one of the needed files; the class names, when given, are not empty.
    private static void CheckFolder(string directory, IReadOnlyList<string>? classNames, IReadOnlyList<string> needed)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (classNames is { Count: 0 })
            throw new ArgumentException("At least one class name is needed.", nameof(classNames));
        if (!Directory.Exists(directory))
            throw new DataNotFoundException($"Data folder '{directory}' does not exist.");
        var missing = needed.Where(name => FindFile(directory, name) is null).ToList();
        if (missing.Count > 0)
            throw new DataNotFoundException(
                $"Data folder '{directory}' lacks {string.Join(", ", missing)} (each may also be gzipped, with a .gz suffix). " +
                $"It needs the IDX files {string.Join(", ", needed)}.");
    }

    /// <summary>The existing file for <paramref name="name"/> in <paramref name="directory"/>: plain if present (no need to decompress), else gzipped, else null.</summary>
    internal static string? FindFile(string directory, string name)
    {
        string plain = Path.Combine(directory, name);
        if (File.Exists(plain)) return plain;
        string gzipped = plain + ".gz";
        return File.Exists(gzipped) ? gzipped : null;
    }

    /// <summary>The names in <see cref="FileNames"/> that <paramref name="directory"/> has in neither form.</summary>
    internal static List<string> MissingFiles(string directory) =>
        FileNames.Where(name => FindFile(directory, name) is null).ToList();

    private static IReadOnlyList<string> DefaultClassNames(string directory, int maxLabel)
    {
        string folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        if (maxLabel < FashionMnistClassNames.Count && folderName.Contains("fashion", StringComparison.OrdinalIgnoreCase))
            return FashionMnistClassNames;
        return Array.AsReadOnly(Enumerable.Range(0, maxLabel + 1).Select(i => i.ToString()).ToArray());
    }

    private static (ImagesFile Images, int Height, int Width) ReadImages(string path)
    {
        var array = IdxFile.Read(path);
        if (array.Dimensions.Length != 3)
            throw new DataFormatException(path,
                $"it holds an array of shape {Tensor.FormatShape(array.Dimensions)}, but an image file must have rank 3: [count, height, width].");
        return (new ImagesFile(path, array.Dimensions[0], array.Data), array.Dimensions[1], array.Dimensions[2]);
    }

    private static int[] ReadLabels(string path, ImagesFile images)
    {
        var array = IdxFile.Read(path);
        if (array.Dimensions.Length != 1)
            throw new DataFormatException(path,
                $"it holds an array of shape {Tensor.FormatShape(array.Dimensions)}, but a label file must have rank 1: [count].");
        if (array.Dimensions[0] != images.Count)
            throw new DataFormatException(path,
                $"it holds {array.Dimensions[0]} labels but the image file '{images.Path}' holds {images.Count} images; " +
                "each image needs exactly one label. The two files are probably from different data sets or releases.");
        return Array.ConvertAll(array.Data, b => (int)b);
    }

    private static void CheckLabels(string path, int[] labels, int classCount)
    {
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classCount)
                throw new DataFormatException(path,
                    $"label {labels[i]} of item {i} is not a class index: there are {classCount} classes (0 to {classCount - 1}).");
    }

    private static Tensor ToTensor(byte[] pixels, int height, int width)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
            values[i] = pixels[i];
        return new Tensor(values, pixels.Length / (height * width), 1, height, width);
    }

    private sealed record ImagesFile(string Path, int Count, byte[] Data);
}
