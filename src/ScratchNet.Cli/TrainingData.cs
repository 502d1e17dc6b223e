using ScratchNet.Data;

namespace ScratchNet.Cli;

/// <summary>
/// The images of a training run: the training set, the validation set (null: the test set stands in, as in the
/// notebook) and the test set, with where they came from and what was found there. <see cref="Load"/> gives them
/// raw (pixel values as stored); <see cref="Standardize"/> gives them as the network sees them.
/// </summary>
/// <param name="Description">The layout, classes and counts, and the files passed over (see <see cref="DataDescription"/>).</param>
/// <param name="Skipped">Bad images left out with <c>--skip-bad-images</c>, each with why.</param>
internal sealed record TrainingData(ImageDataset Train, ImageDataset? Validation, ImageDataset Test, string Source,
                                   DataDescription? Description = null, IReadOnlyList<string>? Skipped = null)
{
    /// <summary>
    /// The raw sets <paramref name="s"/> asks for: its data (or <paramref name="source"/>, sets already in memory),
    /// the first <c>--limit</c> training images, <c>--validation</c> held out.
    /// </summary>
    public static TrainingData Load(TrainSettings s, TrainingData? source = null)
    {
        TrainingData data = source ?? LoadSource(s); // LoadSource decodes only the first --limit images
        if (s.Limit is { } limit) data = data with { Train = data.Train.Take(limit) };
        if (s.Validation is { } held)
        {
            if (data.Validation is not null) throw new UsageException($"{data.Source} has a validation set of its own; leave out --validation.");
            if (held >= data.Train.Count) throw new UsageException($"--validation {held} leaves no training images out of {data.Train.Count}.");
            var (train, validation) = data.Train.Split(held, s.Seed);
            data = data with { Train = train, Validation = validation };
        }
        return data;
    }

    // The one place that knows data layouts: DataSources recognises them; the images are decoded here, on every
    // thread, only the first --limit of the training set.
    private static TrainingData LoadSource(TrainSettings s)
    {
        TrainTestSources sources = s.Data.Open(s.Seed, s.Threads);
        IImageSource train = s.Limit is { } limit && limit < sources.Train.Count
            ? new ImageSourceSubset(sources.Train, Enumerable.Range(0, limit).ToArray()) : sources.Train;
        var skipped = s.Data.SkipBadImages ? new List<string>(sources.Description.SkippedFiles) : null;
        ImageDataset trainSet = train.ToDataset(s.Threads, skipped), testSet = sources.Test.ToDataset(s.Threads, skipped);
        return new TrainingData(trainSet, null, testSet, sources.Description.Location, sources.Description, skipped ?? []);
    }

    /// <summary>Every set standardised with <paramref name="standardizer"/> (fitted on the raw training set only).</summary>
    public TrainingData Standardize(Standardizer standardizer) => this with
    {
        Train = standardizer.Apply(Train), Validation = Validation is null ? null : standardizer.Apply(Validation), Test = standardizer.Apply(Test),
    };

    /// <summary>"DIR (image folders): 54000 training images (6000 held out for validation), 10000 test images of 1×28×28, 10 classes".</summary>
    public string Describe()
    {
        string validation = Validation is null ? "validation on the test set, as in the notebook" : $"{Validation.Count} held out for validation";
        string layout = Description is null ? "" : $" ({Description.LayoutName})";
        return $"{Source}{layout}: {Train.Count} training images ({validation}), {Test.Count} test images of {Tensor.FormatShape(Train.ImageShape)}, {Train.ClassCount} classes";
    }

    /// <summary>Lines about files passed over: how many hidden or non-image files, and each bad image skipped.</summary>
    public IEnumerable<string> Notes()
    {
        if (Description is { IgnoredFiles: > 0 } d) yield return $"{d.IgnoredFiles:N0} hidden or non-image files ignored";
        if (Skipped is not { Count: > 0 }) yield break;
        yield return $"{Skipped.Count:N0} bad images skipped (--skip-bad-images):";
        foreach (string file in Skipped) yield return "  " + file;
    }
}
