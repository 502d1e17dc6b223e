using System.Text.Json;
using ScratchNet.Serialization;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>A checkpoint holds a model: evaluate, predict and summary take it as they take a model file, ignoring the optimizer state.</summary>
public sealed class CheckpointAsModelTests
{
    private static readonly Lazy<string> RunFolder = new(() =>
    {
        string folder = NewPath("");
        AssertSuccess(Run("train", "--model", "mlp", "--limit", "600", "--epochs", "1", "--threads", "1", "--out", folder));
        return folder;
    });

    private static string CheckpointPath => Path.Combine(RunFolder.Value, "checkpoint.safetensors");

    [Trait("Category", "Slow")]
    [Fact]
    public void Evaluate_Checkpoint_GivesTheFiguresOfTheModelItHolds()
    {
        // Without --validation the model saved at the end is the checkpoint's network: the same figures.
        string fromCheckpoint = NewPath(".json"), fromModel = NewPath(".json");
        AssertSuccess(Run("evaluate", "--model-file", CheckpointPath, "--threads", "1", "--metrics", fromCheckpoint));
        AssertSuccess(Run("evaluate", "--model-file", Path.Combine(RunFolder.Value, "model.safetensors"), "--threads", "1", "--metrics", fromModel));

        using JsonDocument a = JsonDocument.Parse(File.ReadAllText(fromCheckpoint)), b = JsonDocument.Parse(File.ReadAllText(fromModel));
        Assert.Equal(b.RootElement.GetProperty("test_accuracy").GetDouble(), a.RootElement.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(b.RootElement.GetProperty("test_loss").GetDouble(), a.RootElement.GetProperty("test_loss").GetDouble());
        Assert.InRange(a.RootElement.GetProperty("test_accuracy").GetDouble(), 0.3, 1.0);
    }

    [Fact]
    public void PredictAndSummary_TakeACheckpoint()
    {
        string image = WritePng(TestPixels(0), 28, 28, ColorComponents.Grey);

        var predict = Run("predict", "--model-file", CheckpointPath, "--json", image);
        var summary = Run("summary", "--model-file", CheckpointPath);

        AssertSuccess(predict);
        Assert.Contains("\"probability\"", predict.Output);
        AssertSuccess(summary);
        Assert.Contains("total parameters  101,770", summary.Output);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Library_ModelFileLoadingStaysStrict()
    {
        // NeuralNetwork.Load reads model files only; the command's loader is the one that knows checkpoints.
        var e = Assert.Throws<ScratchNet.Serialization.ModelFileException>(() => ScratchNet.Training.NeuralNetwork.Load(CheckpointPath));
        Assert.Contains("unexpected 'optimizer.", e.Message);
        Assert.Equal(101_770, ScratchNet.Serialization.Checkpoint.LoadModel(CheckpointPath).ParameterCount);
    }
}
