using ScratchNet.Data;

namespace ScratchNet.Cli;

/// <summary>
/// The images of a training run: the training set, the validation set (null: the test set stands in, as in the
/// notebook) and the test set, with where they came from and what was found there. <see cref="Load"/> gives them
/// raw (pixel values as stored); <see cref="Standardize"/> gives them as the network sees them. The training set is
/// in memory (an <see cref="ImageDataset"/>) or, when it would not fit in the <c>--memory-budget</c>, a
/// <see cref="StreamingImageSet"/> read while the network trains; validation and test sets are always in memory.
/// </summary>
/// <param name="Description">The layout, classes and counts, and the files passed over (see <see cref="DataDescription"/>).</param>
/// <param name="Skipped">Bad images left out with <c>--skip-bad-images</c>, each with why.</param>
internal sealed record TrainingData(IBatchSource Train, ImageDataset? Validation, ImageDataset Test, string Source,
                                   DataDescription? Description = null, IReadOnlyList<string>? Skipped = null)
{
    /// <summary>
    /// The raw sets <paramref name="s"/> asks for: its data (or <paramref name="source"/>, sets already in memory),
    /// the first <c>--limit</c> training images, <c>--validation</c> held out.
    /// </summary>
    public static TrainingData Load(TrainSettings s, TrainingData? source = null)
    {
        TrainingData data = source ?? LoadSource(s); // LoadSource reads only the first --limit images
        if (s.Limit is { } limit && data.Train is ImageDataset all) data = data with { Train = all.Take(limit) };
        if (s.Validation is { } held)
        {
            if (data.Validation is not null) throw new UsageException($"{data.Source} has a validation set of its own; leave out --validation.");
            if (held >= data.Train.Count) throw new UsageException($"--validation {held} leaves no training images out of {data.Train.Count}.");
            data = data.HoldOut(held, s.Seed, s.Threads);
        }
        return data;
    }

    // The same images held out whether the training set is in memory or streamed.
    private TrainingData HoldOut(int held, int seed, int threads)
    {
        if (Train is ImageDataset inMemory)
        {
            var (train, validation) = inMemory.Split(held, seed);
            return this with { Train = train, Validation = validation };
        }
        IImageSource images = ((StreamingImageSet)Train).Source;
        var (trainIndices, validationIndices) = ImageDataset.SplitIndices(images.Count, held, seed);
        return this with
        {
            Train = Stream(new ImageSourceSubset(images, trainIndices), threads),
            Validation = new ImageSourceSubset(images, validationIndices).ToDataset(threads),
        };
    }

    // The one place that knows data layouts: DataSources recognises them; the images are decoded here, on every
    // thread, only the first --limit of the training set, or left where they are when they would not fit in memory.
    private static TrainingData LoadSource(TrainSettings s)
    {
        TrainTestSources sources = s.Data.Open(s.Seed, s.Threads);
        IImageSource train = s.Limit is { } limit && limit < sources.Train.Count
            ? new ImageSourceSubset(sources.Train, Enumerable.Range(0, limit).ToArray()) : sources.Train;
        var skipped = s.Data.SkipBadImages ? new List<string>(sources.Description.SkippedFiles) : null;
        long budget = s.MemoryBudget ?? MemoryBudget.Default;
        bool streamed = MemoryBudget.InMemoryBytes((long)train.Count + sources.Test.Count, train.ImageShape) > budget;
        IBatchSource trainSet = streamed ? Stream(train, s.Threads) : train.ToDataset(s.Threads, skipped);
        ImageDataset testSet = sources.Test.ToDataset(s.Threads, skipped);
        return new TrainingData(trainSet, null, testSet, sources.Description.Location, sources.Description, skipped ?? []) { Budget = budget };
    }

    // Two reader threads keep up with training on two cores (a 28×28 PNG decodes in about 40 µs); four batches ahead.
    private static StreamingImageSet Stream(IImageSource images, int threads, Standardizer? standardizer = null) =>
        new(images, standardizer, readerThreads: Math.Clamp(threads, 1, 4), prefetchBatches: 4);

    /// <summary>The memory budget the data was loaded under (null: sets given in memory).</summary>
    public long? Budget { get; init; }

    /// <summary>
    /// The per-channel statistics of the raw training images: measured in memory, or by reading a streamed set once
    /// (the same numbers either way).
    /// </summary>
    public Standardizer FitStandardizer(int threads) => Train switch
    {
        ImageDataset inMemory => Standardizer.Fit(inMemory.Images),
        StreamingImageSet streamed => ChannelStatistics.Measure(streamed.Source, threads).ToStandardizer(),
        _ => throw new InvalidOperationException($"Unknown training set {Train.GetType().Name}."),
    };

    /// <summary>Every set standardised with <paramref name="standardizer"/> (fitted on the raw training set only).</summary>
    public TrainingData Standardize(Standardizer standardizer, int threads) => this with
    {
        Train = Train is StreamingImageSet streamed ? Stream(streamed.Source, threads, standardizer) : standardizer.Apply((ImageDataset)Train),
        Validation = Validation is null ? null : standardizer.Apply(Validation), Test = standardizer.Apply(Test),
    };

    /// <summary>"DIR (image folders): 54000 training images (6000 held out for validation), 10000 test images of 1×28×28, 10 classes".</summary>
    public string Describe()
    {
        string validation = Validation is null ? "validation on the test set, as in the notebook" : $"{Validation.Count} held out for validation";
        string layout = Description is null ? "" : $" ({Description.LayoutName})";
        string streamed = Train is StreamingImageSet ? $", training images read while training (they exceed the memory budget of {MemoryBudget.Format(Budget ?? 0)})" : "";
        return $"{Source}{layout}: {Train.Count} training images ({validation}), {Test.Count} test images of {Tensor.FormatShape([.. Train.SampleShape])}, " +
               $"{Train.ClassNames.Count} classes{streamed}";
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
