using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// The README's first example (on 600 images, one epoch) then <c>network.Save</c>: the file works in every command that
/// reads a model, with no line setting the normalisation or the class names by hand.
/// </summary>
public sealed class ModelSavedFromCodeTests
{
    private static readonly Lazy<(string Path, Standardizer Standardizer)> Saved = new(TrainAsTheReadmeDoes);

    private static (string, Standardizer) TrainAsTheReadmeDoes()
    {
        var (rawTrain, rawTest) = IdxDatasetLoader.LoadFolder(DataLocator.Locate(null));
        rawTrain = rawTrain.Take(600);
        rawTest = rawTest.Take(200);
        var standardizer = Standardizer.Fit(rawTrain.Images);
        ImageDataset train = standardizer.Apply(rawTrain), test = standardizer.Apply(rawTest);

        var network = new NeuralNetwork(
            [new Conv2D(16, kernelSize: 5, bias: false, activation: new Tanh(), flatten: true), new Dense(10)],
            new SoftmaxCrossEntropy(), seed: 1);
        var trainer = new Trainer(network, new SGDMomentum(learningRate: 0.01f, momentum: 0.9f));
        trainer.Fit(train, test, new TrainingOptions { Epochs = 1, BatchSize = 60 });
        string path = NewPath(".safetensors");
        network.Save(path);
        return (path, standardizer);
    }

    [Fact]
    public void SavedFile_HoldsTheStandardizerAndTheClassNames()
    {
        NeuralNetwork loaded = NeuralNetwork.Load(Saved.Value.Path);

        Assert.Equal(Saved.Value.Standardizer, loaded.Normalization);
        Assert.Equal(IdxDatasetLoader.FashionMnistClassNames, loaded.ClassNames);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Evaluate_TakesTheFile_AndReportsWhatEvaluationRunComputes()
    {
        string metrics = NewPath(".json");

        var result = Run("evaluate", "--model-file", Saved.Value.Path, "--threads", "1", "--metrics", metrics);

        AssertSuccess(result);
        NeuralNetwork network = NeuralNetwork.Load(Saved.Value.Path);
        Evaluation expected = Evaluation.Run(network, Saved.Value.Standardizer.Apply(RawTest));
        using var json = JsonDocument.Parse(File.ReadAllText(metrics));
        Assert.Equal(expected.Accuracy, json.RootElement.GetProperty("test_accuracy").GetDouble());
        Assert.InRange(expected.Accuracy, 0.5, 1.0); // trained, not random (0.1)
        Assert.Contains("9 Ankle boot", result.Output);
    }

    [Fact]
    public void PredictSummaryAndExport_TakeTheFile()
    {
        string image = WritePng(TestPixels(0), 28, 28, ColorComponents.Grey); // test image 0 is an ankle boot
        string onnx = NewPath(".onnx");

        var predict = Run("predict", "--model-file", Saved.Value.Path, "--json", image);
        var summary = Run("summary", "--model-file", Saved.Value.Path);
        var export = Run("export", "--model-file", Saved.Value.Path, "--onnx", onnx);

        AssertSuccess(predict);
        using var json = JsonDocument.Parse(predict.Output);
        Assert.Contains("Ankle boot", predict.Output);
        AssertSuccess(summary);
        Assert.Contains("total parameters  125,850", summary.Output);
        AssertSuccess(export);
        Assert.Contains("raw 0-255 pixels", export.Output);   // the standardisation Fit recorded is built into the graph
        Assert.Contains("10 class names", export.Output);
        Assert.True(new FileInfo(onnx).Length > 0);
    }
}
