using static ScratchNet.Tests.Cli.CliModels;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// The shipped residual and concatenating specifications through the commands a user types: train, save, evaluate,
/// summary (indented by nesting), gradcheck, and a Ctrl-C'd run resumed bit-identically.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CompositeCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-composite-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int ExitCode, string Output, string Error) Run(params string[] arguments) => CommandLineTests.Run(arguments);

    internal static string SpecPath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScratchNet.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        return Path.Combine(directory.FullName, "samples", "specs", name);
    }

    [Theory]
    [InlineData("residual.json", "3.shortcut.0", "  Conv2D 32@1x1 stride 2x2")]
    [InlineData("concat.json", "3.branches.2.0", "  MaxPool2D 3x3 stride 1x1")]
    public void A_nested_spec_trains_saves_evaluates_and_its_summary_shows_the_nesting(string spec, string nestedRow, string indentedLayer)
    {
        string output = Path.Combine(_folder, "run");
        var train = Run("train", "--spec", SpecPath(spec), "--epochs", "1", "--limit", "2000", "--threads", "2", "--out", output);
        AssertSuccess(train);
        Assert.Contains("test accuracy", train.Output);
        foreach (string file in (string[])["model.safetensors", "checkpoint.safetensors", "filters.png", "report.html"])
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is missing");

        string model = Path.Combine(output, "model.safetensors");
        var evaluate = Run("evaluate", "--model-file", model);
        AssertSuccess(evaluate);
        Assert.Contains("accuracy", evaluate.Output);

        var summary = Run("summary", "--model-file", model);
        AssertSuccess(summary);
        string row = summary.Output.Split('\n').Single(l => l.StartsWith(nestedRow + " "));
        Assert.Contains(indentedLayer, row);
        Assert.Contains(Run("summary", "--spec", SpecPath(spec)).Output.Split('\n').Single(l => l.StartsWith("total parameters")), summary.Output);
    }

    [Fact]
    public void Gradcheck_checks_a_block_as_a_whole_with_nested_names()
    {
        // tanh instead of ReLU: no kink inside the blocks, so every correct gradient passes.
        string spec = Path.Combine(_folder, "residual-tanh.json");
        File.WriteAllText(spec, File.ReadAllText(SpecPath("residual.json")).Replace("\"relu\"", "\"tanh\""));
        var result = Run("gradcheck", "--spec", spec, "--input", "1,12,12");
        AssertSuccess(result);
        Assert.Contains("all gradients pass", result.Output);
        Assert.Contains("shortcut.0.weight", result.Output);
        Assert.Contains("body.0.weight", result.Output);
    }

    [Fact]
    public void A_bad_nested_entry_is_one_error_line_naming_its_path()
    {
        string spec = Path.Combine(_folder, "bad.json");
        File.WriteAllText(spec, """{"layers": [{"type": "residual", "body": [{"type": "conv2d", "filters": 4, "kernal": 3}]}]}""");
        AssertOneError(Run("summary", "--spec", spec), 1, "$.layers[0].body[0].kernel: missing");
        File.WriteAllText(spec, """{"layers": [{"type": "residual", "body": [{"type": "conv2d", "filters": 64, "kernel": 3, "stride": 2}]}, {"type": "flatten"}]}""");
        AssertOneError(Run("summary", "--spec", spec), 2, "Residual: body output [64, 14, 14] vs shortcut (identity) [1, 28, 28]");
    }

    [Fact]
    public async Task A_residual_run_stopped_with_CtrlC_resumes_to_the_same_model()
    {
        string[] settings = ["train", "--spec", SpecPath("residual.json"), "--limit", "3000", "--epochs", "2", "--threads", "1", "--validation", "500", "--augment"];
        string straight = Path.Combine(_folder, "straight"), interrupted = Path.Combine(_folder, "interrupted");
        AssertSuccess(Run([.. settings, "--out", straight]));

        var (exitCode, error) = await ResumeTests.RunUntilCtrlC([.. settings, "--out", interrupted], Path.Combine(interrupted, "checkpoint.safetensors"));
        Assert.True(exitCode == 130, $"exit {exitCode}: {error}");
        Assert.False(File.Exists(Path.Combine(interrupted, "model.safetensors")), "the run finished before Ctrl-C");

        AssertSuccess(Run("train", "--resume", interrupted));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(interrupted, "model.safetensors")));
    }
}
