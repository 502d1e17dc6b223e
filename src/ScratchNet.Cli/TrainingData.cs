using ScratchNet.Data;

namespace ScratchNet.Cli;

/// <summary>
/// The images of a training run: the training set, the validation set (null: the test set stands in, as in the
/// notebook) and the test set, with where they came from. <see cref="Load"/> gives them raw (pixel values as
/// stored); <see cref="Standardize"/> gives them as the network sees them.
/// </summary>
internal sealed record TrainingData(ImageDataset Train, ImageDataset? Validation, ImageDataset Test, string Source)
{
    /// <summary>
    /// The raw sets <paramref name="s"/> asks for: its data (or <paramref name="source"/>, sets already in memory),
    /// the first <c>--limit</c> training images, <c>--validation</c> held out.
    /// </summary>
    public static TrainingData Load(TrainSettings s, TrainingData? source = null)
    {
        TrainingData data = source ?? LoadSource(s.Data);
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

    // The one place that knows data layouts: raw training and test sets (and a validation set, when the layout
    // has one) from --data, or from where DataLocator looks. Other layouts plug in here.
    private static TrainingData LoadSource(string? data)
    {
        string folder = DataLocator.Locate(data);
        var (train, test) = IdxDatasetLoader.LoadFolder(folder);
        return new TrainingData(train, null, test, folder);
    }

    /// <summary>Every set standardised with <paramref name="standardizer"/> (fitted on the raw training set only).</summary>
    public TrainingData Standardize(Standardizer standardizer) =>
        new(standardizer.Apply(Train), Validation is null ? null : standardizer.Apply(Validation), standardizer.Apply(Test), Source);

    /// <summary>"DIR: 54000 training images (6000 held out for validation), 10000 test images of 1×28×28, 10 classes".</summary>
    public string Describe()
    {
        string validation = Validation is null ? "validation on the test set, as in the notebook" : $"{Validation.Count} held out for validation";
        return $"{Source}: {Train.Count} training images ({validation}), {Test.Count} test images of {Tensor.FormatShape(Train.ImageShape)}, {Train.ClassCount} classes";
    }
}
