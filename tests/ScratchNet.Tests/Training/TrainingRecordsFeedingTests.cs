using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>
/// A network trained with <see cref="Trainer.Fit"/> keeps the standardisation and class names of its training data, so
/// that a model saved from code can be evaluated and used for prediction with no extra settings.
/// </summary>
public sealed class TrainingRecordsFeedingTests
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static ImageDataset Raw(int count = 12, int seed = 1)
    {
        Tensor images = TestData.Uniform(seed, 0f, 255f, count, 1, 4, 4);
        return new ImageDataset(images, [.. Enumerable.Range(0, count).Select(i => i % Classes.Length)], Classes);
    }

    private static NeuralNetwork Network() => new([new Flatten(), new Dense(Classes.Length)], new SoftmaxCrossEntropy(), seed: 1);

    private static void Fit(NeuralNetwork network, IBatchSource train, IBatchSource validation) =>
        new Trainer(network, new SGD(0.01f)).Fit(train, validation, new TrainingOptions { Epochs = 1, BatchSize = 4 });

    [Fact]
    public void Apply_RecordsTheStandardizer_AndTakeSplitSelectKeepIt()
    {
        ImageDataset raw = Raw();
        var standardizer = new Standardizer(100f, 50f);

        ImageDataset standardised = standardizer.Apply(raw);
        var (train, validation) = standardised.Split(4, seed: 1);

        Assert.Null(raw.Standardization);
        Assert.Same(standardizer, standardised.Standardization);
        Assert.Same(standardizer, standardised.Take(5).Standardization);
        Assert.Same(standardizer, train.Standardization);
        Assert.Same(standardizer, validation.Standardization);
        Assert.Same(standardizer, standardised.Select([2, 0]).Standardization);
        Assert.Same(standardizer, ((IBatchSource)standardised).Standardization);
    }

    [Fact]
    public void Apply_ToAStandardisedSet_IsRefused()
    {
        var standardizer = new Standardizer(100f, 50f);
        ImageDataset once = standardizer.Apply(Raw());

        var e = Assert.Throws<ArgumentException>(() => standardizer.Apply(once));
        Assert.Contains("already standardised", e.Message);
    }

    [Fact]
    public void Constructor_StandardizerOfOtherChannelCount_IsRefused()
    {
        ImageDataset raw = Raw();
        var colour = new Standardizer([1f, 2f, 3f], [1f, 1f, 1f]);

        Assert.Throws<ArgumentException>(() => new ImageDataset(raw.Images, raw.Labels, raw.ClassNames, colour));
    }

    [Fact]
    public void Fit_NetworkWithoutNormalization_TakesTheDatasAndItsClassNames()
    {
        var standardizer = Standardizer.Fit(Raw().Images);
        ImageDataset train = standardizer.Apply(Raw()), validation = standardizer.Apply(Raw(6, seed: 2));
        NeuralNetwork network = Network();

        Fit(network, train, validation);

        Assert.Same(standardizer, network.Normalization);
        Assert.Equal(Classes, network.ClassNames);
    }

    [Fact]
    public void Fit_StreamedSet_TakesItsStandardizer()
    {
        var standardizer = new Standardizer(100f, 50f);
        var train = new StreamingImageSet(new InMemoryImageSource(Raw(), "train"), standardizer, readerThreads: 1);
        NeuralNetwork network = Network();

        Fit(network, train, standardizer.Apply(Raw(6, seed: 2)));

        Assert.Same(standardizer, ((IBatchSource)train).Standardization);
        Assert.Same(standardizer, network.Normalization);
        Assert.Equal(Classes, network.ClassNames);
    }

    [Fact]
    public void Fit_RawData_LeavesNormalizationUnset_ButRecordsClassNames()
    {
        NeuralNetwork network = Network();

        Fit(network, Raw(), Raw(6, seed: 2));

        Assert.Null(network.Normalization);
        Assert.Equal(Classes, network.ClassNames);
    }

    [Fact]
    public void Fit_KeepsWhatTheUserSet()
    {
        var standardizer = new Standardizer(100f, 50f);
        string[] names = ["x", "y", "z"];
        // An equal standardizer (not the same object) and the user's own class names.
        NeuralNetwork network = Network();
        network.Normalization = new Standardizer(100f, 50f);
        network.ClassNames = names;
        Standardizer mine = network.Normalization;

        Fit(network, standardizer.Apply(Raw()), standardizer.Apply(Raw(6, seed: 2)));

        Assert.Same(mine, network.Normalization);
        Assert.Same(names, network.ClassNames);
    }

    [Fact]
    public void Fit_NormalizationDiffersFromTheData_IsRefusedBeforeTraining()
    {
        var standardizer = new Standardizer(100f, 50f);
        NeuralNetwork network = Network();
        network.Normalization = new Standardizer(72.94f, 90.02f);

        var e = Assert.Throws<ArgumentException>(() => Fit(network, standardizer.Apply(Raw()), standardizer.Apply(Raw(6, seed: 2))));

        Assert.Contains("mean 72.94", e.Message);
        Assert.Contains("mean 100", e.Message);
        Assert.Equal(new Standardizer(72.94f, 90.02f), network.Normalization);
        Assert.False(network.IsBuilt);
    }

    [Fact]
    public void Fit_ValidationStandardisedDifferently_IsRefused()
    {
        NeuralNetwork network = Network();

        var e = Assert.Throws<ArgumentException>(() =>
            Fit(network, new Standardizer(100f, 50f).Apply(Raw()), new Standardizer(90f, 50f).Apply(Raw(6, seed: 2))));

        Assert.Contains("validation", e.Message);
        Assert.Null(network.Normalization);
    }
}
