using System.Text.Json;
using ScratchNet.Cli;
using ScratchNet.Cli.Reporting;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Serialization;
using ScratchNet.Tests.Data;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.ColourPictures;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// Colour end to end, in process: a synthetic colour data set (the class is the dominant colour) goes through
/// train's own path (standardised per channel, augmented, trained with a preset, saved, reported), the saved
/// model evaluates well on the test set, and the report's pictures are in colour.
/// </summary>
public sealed class ColourTrainingTests
{
    private static readonly string[] Classes = ["red", "green", "blue"];

    // Class k: channel k near 200, the others near 50, with pixel noise of ±40; every tenth test label is wrong on
    // purpose, so the report has mistakes to show.
    private static ImageDataset Colours(int count, int seed, bool noisyLabels)
    {
        var random = new Random(seed);
        var images = new Tensor(count, 3, 12, 12);
        var labels = new int[count];
        Span<float> v = images.Span;
        for (int n = 0; n < count; n++)
        {
            int label = labels[n] = random.Next(3);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 144; i++)
                    v[(n * 3 + c) * 144 + i] = (c == label ? 200 : 50) + random.Next(-40, 41);
            if (noisyLabels && n % 10 == 0) labels[n] = (label + 1) % 3;
        }
        return new ImageDataset(images, labels, Classes);
    }

    [Fact]
    public void ColourData_TrainsEvaluatesAndReportsInColour()
    {
        using var folder = new TempFolder();
        ImageDataset rawTest = Colours(150, seed: 2, noisyLabels: true);
        var source = new TrainingData(Colours(600, seed: 1, noisyLabels: false), null, rawTest, "synthetic colours");
        ModelPreset preset = ModelPreset.SeedCnn;
        var settings = new TrainSettings
        {
            ModelName = preset.Name, Preset = preset, Epochs = 2, BatchSize = 30, Optimizer = preset.Optimizer, LearningRate = preset.LearningRate,
            Momentum = preset.Momentum, Schedule = "constant", FinalLearningRate = preset.LearningRate, Init = WeightInit.Glorot, Seed = 3,
            Augment = true, EvalEvery = 1, Threads = 1, Out = folder.Path,
        };

        int exitCode = TrainCommand.Run(settings, TrainingOutput.Create(quiet: true), source: source);

        Assert.Equal(ExitCodes.Success, exitCode);
        NeuralNetwork network = NeuralNetwork.Load(folder.File("model.safetensors"));
        Assert.Equal([3, 12, 12], network.Layers[0].InputSampleShape.ToArray());
        Assert.Equal(3, network.Normalization!.Channels);
        Assert.Equal(Classes, network.ClassNames);
        Evaluation evaluation = Evaluation.Run(network, network.Normalization.Apply(rawTest));
        Assert.InRange(evaluation.Accuracy, 0.8, 0.95); // the colour is learnt; the wrong labels (about 10 %) cannot be
        using (JsonDocument metrics = JsonDocument.Parse(File.ReadAllText(folder.File("metrics.json"))))
            Assert.Equal(evaluation.Accuracy, metrics.RootElement.GetProperty("test_accuracy").GetDouble(), 10);

        byte[] filters = File.ReadAllBytes(folder.File(RunReport.FiltersFileName));
        byte[] misclassified = File.ReadAllBytes(folder.File(RunReport.MisclassifiedFileName));
        Assert.True(Coloured(filters) > 500, "the first-layer filters are not drawn in colour");
        Assert.True(Coloured(misclassified) > 5 * 144 * 50, "the misclassified images are not drawn in colour"); // 5 or more enlarged 12×12 images
        Assert.Contains("drawn as red, green and blue", File.ReadAllText(folder.File(RunReport.HtmlFileName)));
    }

    [Fact]
    public void SpecWithTheWrongNumberOfOutputs_IsAUsageErrorNamingBoth()
    {
        using var folder = new TempFolder();
        string spec = folder.File("ten.json");
        File.WriteAllText(spec, "{\"layers\": [{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10}]}");
        var source = new TrainingData(Colours(60, seed: 1, noisyLabels: false), null, Colours(30, seed: 2, noisyLabels: false), "synthetic colours");
        var settings = new TrainSettings
        {
            ModelName = "ten", SpecPath = spec, Epochs = 1, BatchSize = 30, Optimizer = "adam", LearningRate = 1e-3f, Schedule = "constant",
            Init = WeightInit.Glorot, Seed = 1, EvalEvery = 1, Threads = 1,
        };

        var e = Assert.Throws<UsageException>(() => TrainCommand.Run(settings, TrainingOutput.Create(quiet: true), source: source));

        Assert.Contains("gives 10 outputs per image but the data has 3 classes", e.Message);
    }
}
