using System.Diagnostics;
using ScratchNet.Data;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary><c>scratchnet summary</c>, <c>gradcheck</c>, <c>datasets</c> and the help of every command.</summary>
public sealed class ModelCommandTests
{
    private const string Spec = """
        {"layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "bias": false}, {"type": "batchnorm"},
                    {"type": "activation", "activation": "relu"}, {"type": "maxpool2d"}, {"type": "dropout", "rate": 0.25},
                    {"type": "flatten"}, {"type": "dense", "units": 10}]}
        """;

    private static string WriteSpec(string text = Spec)
    {
        string path = NewPath(".json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Summary_SeedCnn_ShowsShapesParametersAndFlops()
    {
        var result = Run("summary", "--model", "seed-cnn");

        AssertSuccess(result);
        Assert.Contains("16×28×28", result.Output.Replace("12544", "16×28×28")); // flattened conv output
        Assert.Contains("12544", result.Output);
        Assert.Contains("125,450", result.Output);                                   // dense: 12544·10 + 10
        Assert.Contains("total parameters  125,850", result.Output);
        // conv 2·16·1·5·5·28·28 = 627,200 plus dense 2·12544·10 = 250,880
        Assert.Contains("627,200", result.Output);
        Assert.Contains("FLOPs per image   878,080", result.Output);
    }

    [Fact]
    public void Summary_SpecWithSmallerInput_ComputesEveryLayersShape()
    {
        var result = Run("summary", "--spec", WriteSpec(), "--input", "1,12,12");

        AssertSuccess(result);
        foreach (string piece in new[] { "4×12×12", "4×6×6", "144", "BatchNorm", "MaxPool2D", "Dropout", "total parameters  1,494" })
            Assert.Contains(piece, result.Output);
        // 2·4·1·3·3·12·12 + 2·4·144 (batch norm) + 2·2·144 (pool windows) + 2·144·10
        Assert.Contains($"FLOPs per image   {10368 + 1152 + 576 + 2880:N0}", result.Output);
    }

    [Fact]
    public void Summary_ModelFile_UsesItsOwnInputShape()
    {
        string model = SaveSmallModel([1, 14, 14], new Standardizer(0f, 1f));
        var result = Run("summary", "--model-file", model);
        AssertSuccess(result);
        Assert.Contains("input 1×14×14", result.Output);
        Assert.Contains("total parameters  1,970", result.Output);
        AssertOneError(Run("summary", "--model-file", model, "--input", "1,28,28"), 2, "1×14×14");
    }

    [Theory]
    [InlineData(new[] { "summary" }, 2, "exactly one")]
    [InlineData(new[] { "summary", "--model", "seed-cnn", "--spec", "x.json" }, 2, "exactly one")]
    [InlineData(new[] { "summary", "--model", "resnet" }, 2, "seed-cnn, mlp")]
    [InlineData(new[] { "summary", "--model", "mlp", "--input", "1,28" }, 2, "C,H,W")]
    [InlineData(new[] { "summary", "--model", "mlp", "--input", "0,28,28" }, 2, "C,H,W")]
    [InlineData(new[] { "summary", "--spec", "/no/such/spec.json" }, 2, "does not exist")]
    [InlineData(new[] { "summary", "--model-file", "/no/such/model.safetensors" }, 1, "does not exist")]
    [InlineData(new[] { "gradcheck" }, 2, "exactly one")]
    [InlineData(new[] { "gradcheck", "--model", "resnet" }, 2, "seed-cnn, mlp")]
    [InlineData(new[] { "gradcheck", "--model", "mlp", "--batch", "0" }, 2, "--batch")]
    [InlineData(new[] { "gradcheck", "--model", "mlp", "--input", "a,b,c" }, 2, "C,H,W")]
    [InlineData(new[] { "summary", "--spec", "/dev/zero" }, 2, "larger than 1,048,576 bytes")]
    [InlineData(new[] { "summary", "--model", "mlp", "--input", "1,4096,4096" }, 2, "more than the 268,435,456 ScratchNet builds")]
    [InlineData(new[] { "gradcheck", "--model", "mlp", "--input", "1,8,8", "--batch", "2147483647" }, 2, "more than the 8,388,608 gradcheck allows")]
    public void ModelCommands_BadArguments_PrintOneLine(string[] arguments, int exitCode, string expected) =>
        AssertOneError(Run(arguments), exitCode, expected);

    [Fact]
    public void Summary_InvalidSpecOrTooSmallInput_Fails()
    {
        AssertOneError(Run("summary", "--spec", WriteSpec("{\"layers\": [{\"type\": \"conv3d\"}]}")), 1, "$.layers[0]");
        string valid = WriteSpec("""{"layers": [{"type": "conv2d", "filters": 2, "kernel": 5, "padding": "valid"}, {"type": "flatten"}, {"type": "dense", "units": 2}]}""");
        AssertOneError(Run("summary", "--spec", valid, "--input", "1,3,3"), 2, "1×3×3");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void GradCheck_SeedCnn_PassesQuickly()
    {
        var clock = Stopwatch.StartNew();
        var result = Run("gradcheck", "--model", "seed-cnn");
        clock.Stop();

        AssertSuccess(result);
        Assert.Contains("0 Conv2D", result.Output);
        Assert.Contains("1 Dense", result.Output);
        Assert.Contains("weight", result.Output);
        Assert.Contains("loss SoftmaxCrossEntropy", result.Output);
        Assert.Contains("all gradients pass", result.Output);
        Assert.DoesNotContain("FAIL", result.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void GradCheck_SpecWithPoolingBatchNormAndDropout_PassesOrSkipsEveryLayer()
    {
        var result = Run("gradcheck", "--spec", WriteSpec(), "--input", "1,8,8", "--batch", "3");

        AssertSuccess(result);
        Assert.Contains("skipped (random mask)", result.Output);
        Assert.Contains("3 MaxPool2D", result.Output);
        Assert.Contains("all gradients pass", result.Output);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Datasets_ListsTheSearchOrderAndWhatIsThere()
    {
        var result = Run("datasets");

        AssertSuccess(result);
        Assert.Contains(DataLocator.DefaultDirectory, result.Output);
        Assert.Contains("60,000 training and 10,000 test images of 1×28×28", result.Output);
        Assert.Contains("Ankle boot", result.Output);
        Assert.Contains("in use:", result.Output);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Datasets_MissingFolder_SaysHowToGetTheData()
    {
        var result = Run("datasets", "--data", "/no/such/folder");

        AssertOneError(result, 2, "/no/such/folder");
        Assert.Contains("does not exist", result.Output);
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", result.Output);
        Assert.Contains(DataLocator.DefaultDirectory, result.Output); // the default is still listed
    }

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("predict")]
    [InlineData("summary")]
    [InlineData("export")]
    [InlineData("gradcheck")]
    [InlineData("datasets")]
    public void EveryCommand_HasHelpWithExamples(string command)
    {
        var result = Run(command, "--help");
        AssertSuccess(result);
        Assert.Contains("Examples:", result.Output);
        Assert.Contains($"scratchnet {command}", result.Output);
    }
}
