namespace ScratchNet.Data;

/// <summary>What <see cref="DataSources.Open"/> found: the layout, the images and classes, and the files it left out.</summary>
/// <param name="Layout">The layout recognised.</param>
/// <param name="Location">The training data's folder or file, as a full path.</param>
/// <param name="TestLocation">Where the test set comes from: a folder or file, or a description of the split.</param>
/// <param name="ImageShape">The shape of every image as read, <c>[channels, height, width]</c>.</param>
/// <param name="StoredShape">
/// The images' shape as stored, <c>[channels, height, width]</c>, or, for image folders of several sizes read with
/// <see cref="DataSourceOptions.ImageSize"/>, null.
/// </param>
/// <param name="ClassNames">The class names, by class index.</param>
/// <param name="TrainCounts">The number of training images of each class.</param>
/// <param name="TestCounts">The number of test images of each class.</param>
/// <param name="IgnoredFiles">Files and folders passed over: hidden ones (name starting with '.') and files that are not images by their extension.</param>
/// <param name="SkippedFiles">Image files left out as unreadable or not images, with why (only with <see cref="DataSourceOptions.SkipBadImages"/>).</param>
public sealed record DataDescription(
    DataLayout Layout, string Location, string TestLocation, IReadOnlyList<int> ImageShape, IReadOnlyList<int>? StoredShape,
    IReadOnlyList<string> ClassNames, IReadOnlyList<int> TrainCounts, IReadOnlyList<int> TestCounts,
    int IgnoredFiles, IReadOnlyList<string> SkippedFiles)
{
    /// <summary>The description as lines of text for a terminal, e.g. for <c>scratchnet datasets</c>.</summary>
    public IReadOnlyList<string> ToLines()
    {
        string Shape(IReadOnlyList<int> s) => $"{s[0]}×{s[1]}×{s[2]}";
        string stored = StoredShape is null ? " (stored in several sizes)"
            : StoredShape.SequenceEqual(ImageShape) ? "" : $" (stored as {Shape(StoredShape)})";
        var lines = new List<string>
        {
            $"layout: {LayoutName}",
            $"train: {Location}: {TrainCounts.Sum():N0} images",
            $"test:  {TestLocation}: {TestCounts.Sum():N0} images",
            $"images: {Shape(ImageShape)} (channels×height×width){stored}",
            $"{ClassNames.Count} classes (training / test images):",
        };
        for (int c = 0; c < ClassNames.Count; c++)
            lines.Add($"  {c,3} {ClassNames[c]}: {TrainCounts[c]:N0} / {TestCounts[c]:N0}");
        if (IgnoredFiles > 0) lines.Add($"ignored: {IgnoredFiles:N0} hidden or non-image files");
        if (SkippedFiles.Count > 0)
        {
            lines.Add($"skipped: {SkippedFiles.Count:N0} bad images (--skip-bad-images):");
            lines.AddRange(SkippedFiles.Select(f => "  " + f));
        }
        return lines;
    }

    /// <summary>The layout's name as the documentation writes it.</summary>
    public string LayoutName => Layout switch
    {
        DataLayout.Idx => "IDX files",
        DataLayout.ImageFolder => "image folders",
        DataLayout.Csv => "CSV",
        DataLayout.Cifar10 => "CIFAR-10 binary",
        _ => Layout.ToString(),
    };

    /// <summary>The number of images of each class among <paramref name="labels"/>.</summary>
    internal static int[] Counts(IReadOnlyList<int> labels, int classCount)
    {
        var counts = new int[classCount];
        foreach (int label in labels) counts[label]++;
        return counts;
    }
}
