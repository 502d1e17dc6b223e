using System.Diagnostics;
using System.Text.Json;
using ScratchNet.Serialization;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// Runs the real `scratchnet` command as a process: bad arguments give one line on stderr, no stack
/// trace and a non-zero exit code; a short training run writes the metrics file in the documented shape.
/// </summary>
public sealed class CommandLineTests
{
    // The command's assembly is copied next to the tests by the project reference.
    private static readonly string CommandPath = Path.Combine(AppContext.BaseDirectory, "ScratchNet.Cli.dll");

    internal static (int ExitCode, string Output, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CommandPath);
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment.Remove("SCRATCHNET_DEBUG");
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"scratchnet {string.Join(' ', arguments)} did not finish within 3 minutes");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    [Theory]
    [InlineData("--model", "resnet9000", "seed-cnn, mlp", 2)]
    [InlineData("--epochs", "0", "--epochs", 2)]
    [InlineData("--epochs", "-3", "--epochs", 2)]
    [InlineData("--batch-size", "0", "--batch-size", 2)]
    [InlineData("--batch-size", "many", "whole number", 2)]
    [InlineData("--lr", "0", "--lr", 2)]
    [InlineData("--lr", "-0.1", "--lr", 2)]
    [InlineData("--lr", "NaN", "--lr", 2)]
    [InlineData("--lr", "Infinity", "--lr", 2)]
    [InlineData("--momentum", "1", "--momentum", 2)]
    [InlineData("--label-smoothing", "1", "--label-smoothing", 2)]
    [InlineData("--label-smoothing", "-0.1", "--label-smoothing", 2)]
    [InlineData("--init", "zeros", "--init", 2)]
    [InlineData("--threads", "0", "--threads", 2)]
    [InlineData("--threads", "2147483647", "--threads must be at most 256", 2)]
    [InlineData("--threads", "10000", "--threads must be at most 256", 2)]
    [InlineData("--data", "", "--data was given an empty value", 2)]
    [InlineData("--batch-size", "2147483647", "--batch-size must be at most 65536", 2)]
    [InlineData("--metrics", " ", "--metrics was given an empty value", 2)]
    [InlineData("--data", "/no/such/folder", "apt-get install dataset-fashion-mnist", 2)]
    [InlineData("--image-size", "28,x", "--image-size", 2)]
    [InlineData("--image-size", "0,28", "--image-size", 2)]
    [InlineData("--channels", "2", "--channels", 2)]
    [InlineData("--test-fraction", "1", "--test-fraction", 2)]
    public void Train_BadArgument_PrintsOneClearLineAndFails(string option, string value, string expected, int exitCode)
    {
        var (code, _, error) = Run("train", option, value);

        Assert.Equal(exitCode, code);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("--patience 3", "add --validation N")]
    [InlineData("--model lenet5 --spec x.json", "either --model or --spec")]
    [InlineData("--optimizer rmsprop", "--optimizer must be one of")]
    [InlineData("--schedule wavy", "--schedule must be one of")]
    [InlineData("--spec /no/such/spec.json", "cannot read the model specification")]
    [InlineData("--validation 70000", "leaves no training images")]
    public void Train_BadCombination_PrintsOneClearLineAndFails(string arguments, string expected)
    {
        var (code, _, error) = Run(["train", .. arguments.Split(' ')]);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", error);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Train_SpecWithABadEntry_NamesTheFileAndThePath()
    {
        string spec = Path.Combine(Path.GetTempPath(), $"scratchnet-spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, "{\"layers\": [{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 0}]}");
        try
        {
            var (code, _, error) = Run("train", "--spec", spec, "--limit", "100", "--epochs", "1");
            Assert.Equal(1, code);
            Assert.Contains(spec, error);
            Assert.Contains("$.layers[1].units", error);
        }
        finally
        {
            File.Delete(spec);
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Train_WithValidationAndOut_SelectsOnValidationAndSavesALoadableModel()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"scratchnet-run-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = Run("train", "--model", "lenet5", "--epochs", "2", "--limit", "1200", "--validation", "200",
                "--patience", "5", "--augment", "--threads", "1", "--out", folder);

            Assert.True(code == 0, $"exit {code}: {error}");
            Assert.Contains("200 held out for validation", output);
            Assert.Contains("augmented (shifts up to 2 px, horizontal flips, random erasing in 50 % of images)", output);
            Assert.Contains("weights of the best validation epoch", output);
            var network = ScratchNet.Training.NeuralNetwork.Load(Path.Combine(folder, "model.safetensors"));
            Assert.Equal(61_706, network.ParameterCount);
            Assert.NotNull(network.Normalization);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
            Assert.Equal("lenet5", json.RootElement.GetProperty("model").GetString());
            Assert.InRange(json.RootElement.GetProperty("test_accuracy").GetDouble(), 0.3, 1.0);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Train_UnknownOption_IsRejected()
    {
        var (code, _, error) = Run("train", "--epochz", "3");
        Assert.Equal(2, code);
        Assert.Contains("--epochz", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Train_ShortRunOnRealData_WritesMetricsInTheDocumentedShape()
    {
        string metrics = Path.Combine(Path.GetTempPath(), $"scratchnet-metrics-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, error) = Run("train", "--model", "seed-cnn", "--epochs", "2", "--limit", "600", "--threads", "1", "--metrics", metrics);

            Assert.True(code == 0, $"exit {code}: {error}");
            Assert.Contains("test accuracy", output);
            using var json = JsonDocument.Parse(File.ReadAllText(metrics));
            JsonElement root = json.RootElement;
            Assert.Equal("seed-cnn", root.GetProperty("model").GetString());
            Assert.Equal(125_850, root.GetProperty("parameters").GetInt32());
            JsonElement[] epochs = root.GetProperty("epochs").EnumerateArray().ToArray();
            Assert.Equal([1, 2], epochs.Select(e => e.GetProperty("epoch").GetInt32()));
            foreach (JsonElement e in epochs)
            {
                Assert.True(e.GetProperty("train_loss").GetDouble() > 0);
                Assert.True(e.GetProperty("val_loss").GetDouble() > 0);
                double accuracy = e.GetProperty("val_accuracy").GetDouble();
                Assert.InRange(accuracy, 0.3, 1.0); // 600 images, 2 epochs: far above chance (0.1)
                Assert.True(e.GetProperty("seconds").GetDouble() > 0);
                Assert.True(e.GetProperty("images_per_second").GetDouble() > 0);
            }
            Assert.Equal(epochs[^1].GetProperty("val_accuracy").GetDouble(), root.GetProperty("test_accuracy").GetDouble());
        }
        finally
        {
            File.Delete(metrics);
        }
    }
}
