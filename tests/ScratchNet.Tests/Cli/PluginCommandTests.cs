using ScratchNet.Tests.Packaging;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// <c>--plugin FILE.dll</c> with samples/CubePlugin (an operation "cube" and a layer "channel_gain" with a parameter and a
/// setting): a model that uses them trains, resumes bit for bit, and works in every command that reads a model or a
/// specification; without the plugin, and with a plugin that cannot be used, the command says what to do in one line.
/// </summary>
public sealed class PluginCommandTests : IDisposable
{
    private static readonly string Configuration =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    /// <summary>The sample plugin, built by the test project's reference to it.</summary>
    internal static readonly string SamplePlugin =
        Path.Combine(DotnetTool.RepositoryRoot(), "samples", "CubePlugin", "bin", Configuration, "net10.0", "CubePlugin.dll");

    private static readonly string Spec = Path.Combine(DotnetTool.RepositoryRoot(), "samples", "specs", "cube.json");

    private static readonly string[] Settings =
        ["train", "--spec", Spec, "--plugin", SamplePlugin, "--limit", "12000", "--epochs", "2", "--threads", "1", "--validation", "1000"];

    // One uninterrupted run, shared: its model file is what the other commands read.
    private static readonly Lazy<string> StraightRun = new(() =>
    {
        string folder = NewPath("");
        AssertSuccess(Run([.. Settings, "--out", folder]));
        return folder;
    });

    private static string ModelFile => Path.Combine(StraightRun.Value, "model.safetensors");

    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-plugin-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    [Trait("Category", "Slow")] // real processes that train
    public async Task ARunInterruptedByCtrlC_ResumesWithThePlugin_ToTheModelOfAnUninterruptedRun()
    {
        string interrupted = Path.Combine(_folder, "interrupted");
        var (exitCode, stderr) = await ResumeTests.RunUntilCtrlC([.. Settings, "--out", interrupted], Path.Combine(interrupted, "checkpoint.safetensors"));
        Assert.True(exitCode == 130, stderr);

        AssertOneError(Run("train", "--resume", interrupted), 1, "unknown activation 'cube'");
        var resumed = Run("train", "--resume", interrupted, "--plugin", SamplePlugin);

        AssertSuccess(resumed);
        Assert.Equal(File.ReadAllBytes(ModelFile), File.ReadAllBytes(Path.Combine(interrupted, "model.safetensors")));
    }

    [Fact]
    [Trait("Category", "Slow")] // real processes that train
    public void EveryCommandThatReadsTheModel_TakesItWithThePlugin()
    {
        var evaluate = Run("evaluate", "--model-file", ModelFile, "--plugin", SamplePlugin, "--threads", "1");
        var predict = Run("predict", "--model-file", ModelFile, "--plugin", SamplePlugin, Path.Combine(StraightRun.Value, "misclassified.png"));
        var summary = Run("summary", "--model-file", ModelFile, "--plugin", SamplePlugin);
        var export = Run("export", "--model-file", ModelFile, "--plugin", SamplePlugin, "--onnx", Path.Combine(_folder, "m.onnx"));

        AssertSuccess(evaluate);
        Assert.Matches(@"test accuracy 0\.[7-9]", evaluate.Output);   // trained: ten classes, far above chance
        AssertSuccess(predict);
        Assert.Contains("probability", predict.Output);
        AssertSuccess(summary);
        Assert.Contains("Dense 64 bias Cube", summary.Output);
        Assert.Contains("ChannelGain", summary.Output);
        // ONNX has no operator for an operation of the user's: the model loads, and the exporter names what it cannot map.
        AssertOneError(export, 1, "the operation Cube (Cube) cannot be exported to ONNX");
        Assert.False(File.Exists(Path.Combine(_folder, "m.onnx")));
    }

    [Fact]
    public void TheSpecificationWithThePlugin_PassesTheGradientCheck_AndShowsInTheSummary()
    {
        var gradcheck = Run("gradcheck", "--spec", Spec, "--plugin", SamplePlugin, "--input", "1,8,8");
        var summary = Run("summary", "--spec", Spec, "--plugin", SamplePlugin);

        AssertSuccess(gradcheck);
        Assert.Contains("4 ChannelGain", gradcheck.Output);
        Assert.Contains("all gradients pass", gradcheck.Output);
        AssertSuccess(summary);
        Assert.Contains("total parameters  101,338", summary.Output);
    }

    [Theory]
    [InlineData("evaluate", "--model-file")]
    [InlineData("predict", "--model-file")]
    [InlineData("summary", "--model-file")]
    [InlineData("export", "--model-file")]
    [InlineData("summary", "--spec")]
    [InlineData("gradcheck", "--spec")]
    [InlineData("train", "--spec")]
    public void WithoutThePlugin_TheCommandNamesTheKindAndHowToRegisterIt(string command, string option)
    {
        string source = option == "--spec" ? Spec : ModelFile;
        string[] extra = command switch
        {
            "predict" => [Path.Combine(StraightRun.Value, "misclassified.png")],
            "export" => ["--onnx", Path.Combine(_folder, "m.onnx")],
            "train" => ["--limit", "100", "--epochs", "1"],
            _ => [],
        };

        var result = Run([command, option, source, .. extra]);

        AssertOneError(result, 1, "$.layers[3].activation: unknown activation 'cube'");
        Assert.Contains("on the command line, --plugin FILE.dll with the assembly that defines it", result.Error);
    }

    [Theory]
    [InlineData("empty", "--plugin was given an empty value; give an assembly (.dll) or leave the option out.")]
    [InlineData("missing", "does not exist; build the plugin project and give its .dll")]
    [InlineData("folder", "is a folder; give the plugin's assembly")]
    [InlineData("text", "is not a .NET assembly")]
    [InlineData("unmarked", "defines no operation or layer marked [ScratchNetLayer(\"name\")]")]
    [InlineData("built-in name", "'relu' (Emitted.MarkedActivation) is the name of a built-in layer or activation; choose another name")]
    [InlineData("name taken", "'channel_gain' is registered already, for CubePlugin.ChannelGain from {sample}; CubePlugin.ChannelGain from {plugin} needs another name")]
    public void APluginThatCannotBeUsed_IsOneErrorLineNamingIt(string kind, string expected)
    {
        string plugin = Path.Combine(_folder, "plugin.dll");
        string[] before = [];
        switch (kind)
        {
            case "empty": plugin = " "; break;
            case "folder": Directory.CreateDirectory(plugin); break;
            case "text": File.WriteAllText(plugin, "not an assembly"); break;
            case "unmarked": plugin = Path.Combine(AppContext.BaseDirectory, "System.CommandLine.dll"); break;
            case "built-in name": EmittedPlugin.Write(plugin, "relu"); break;
            case "name taken":
                // The same classes from a second copy: other types to .NET, so the name cannot serve both.
                plugin = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "copy")).FullName, "CubePlugin.dll");
                File.Copy(SamplePlugin, plugin);
                before = ["--plugin", SamplePlugin];
                break;
        }

        var result = Run(["summary", "--spec", Spec, .. before, "--plugin", plugin]);

        AssertOneError(result, 2, kind == "empty" ? expected : $"--plugin {plugin}: {expected.Replace("{sample}", SamplePlugin).Replace("{plugin}", plugin)}");
    }
}
