using System.Text.Json;
using ScratchNet.Serialization;
using ScratchNet.Tests.Data;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>The data options of train, evaluate, predict and datasets on a small folder of colour images made here.</summary>
public sealed class DataOptionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Two classes of 28×28 colour images: "blue" mostly blue, "red" mostly red, 8 of each, with a little noise.
    private string ColourFolder()
    {
        var random = new Random(5);
        foreach (var (name, channel) in new[] { ("red", 0), ("blue", 2) })
            for (int i = 0; i < 8; i++)
            {
                var chw = new byte[3 * 784];
                for (int p = 0; p < chw.Length; p++) chw[p] = (byte)(p / 784 == channel ? 200 + random.Next(50) : random.Next(50));
                ImageFiles.Png(_folder.File($"photos/{name}/{i}.png"), chw, 3, 28, 28);
            }
        File.WriteAllText(_folder.File("photos/red/notes.txt"), "not an image");
        return _folder.File("photos");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ColourFolder_TrainsEvaluatesAndPredictsWithItsClassNames()
    {
        string photos = ColourFolder(), run = _folder.File("run");

        var train = Run("train", "--data", photos, "--test-fraction", "0.25", "--epochs", "1", "--batch-size", "4", "--out", run, "--quiet");
        AssertSuccess(train);
        string model = Path.Combine(run, "model.safetensors");
        Assert.Equal(["blue", "red"], ScratchNet.Training.NeuralNetwork.Load(model).ClassNames);

        var evaluate = Run("evaluate", "--model-file", model, "--data", photos, "--test-fraction", "0.25");
        AssertSuccess(evaluate);
        Assert.Contains("4 test images", evaluate.Output);

        var predict = Run("predict", "--model-file", model, "--json", "--top", "2", Path.Combine(photos, "red", "0.png"));
        AssertSuccess(predict);
        var classes = JsonDocument.Parse(predict.Output).RootElement[0].GetProperty("predictions").EnumerateArray()
            .Select(p => p.GetProperty("class").GetString()).Order();
        Assert.Equal(["blue", "red"], classes);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ModelAndDataThatDisagree_AreRefused()
    {
        string photos = ColourFolder(), run = _folder.File("run");
        AssertSuccess(Run("train", "--data", photos, "--test-fraction", "0.25", "--epochs", "1", "--model", "mlp", "--out", run, "--quiet"));
        Directory.Move(Path.Combine(photos, "red"), Path.Combine(photos, "crimson"));

        var evaluate = Run("evaluate", "--model-file", Path.Combine(run, "model.safetensors"), "--data", photos, "--test-fraction", "0.25");
        AssertOneError(evaluate, 2, "its classes (blue, crimson) are not the model's (blue, red)");

        string spec = _folder.File("ten.json");
        File.WriteAllText(spec, "{\"layers\": [{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10}]}");
        var train = Run("train", "--spec", spec, "--data", photos, "--test-fraction", "0.25", "--epochs", "1");
        AssertOneError(train, 2, "but the data has 2 classes; its last layer needs one output per class");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Datasets_DescribesAnyLayout()
    {
        string photos = ColourFolder();

        var result = Run("datasets", "--data", photos, "--test-fraction", "0.25", "--image-size", "14,14");

        AssertSuccess(result);
        Assert.Contains("layout: image folders", result.Output);
        Assert.Contains("images: 3×14×14 (channels×height×width) (stored as 3×28×28)", result.Output);
        Assert.Contains("red: 6 / 2", result.Output);
        Assert.Contains("ignored: 1 hidden or non-image files", result.Output);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void BadData_ExitsWithTwoAndOneLine()
    {
        string photos = ColourFolder();
        ImageFiles.Png(_folder.File("photos/red/big.png"), new byte[3 * 40 * 30], 3, 40, 30);

        var mixed = Run("train", "--data", photos, "--test-fraction", "0.25", "--epochs", "1");
        AssertOneError(mixed, 2, "--image-size");

        var noSplit = Run("train", "--data", photos, "--epochs", "1");
        AssertOneError(noSplit, 2, "--test-fraction");

        var datasets = Run("datasets", "--data", photos, "--test-fraction", "0.25");
        Assert.Equal(2, datasets.ExitCode);
        Assert.Contains("unusable: Data folder", datasets.Output);
    }
}
