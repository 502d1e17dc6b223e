using System.Diagnostics;
using System.Text.Json;
using ScratchNet.Tests.Serialization;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// The built command against hostile files: outputs that are devices, pipes or links are refused and survive,
/// a tiny model file asking for huge layers fails within a memory bound, and a model can come through a pipe.
/// </summary>
public sealed class HostileFileCommandTests
{
    private static string NewFolder() => Directory.CreateDirectory(NewPath("")).FullName;

    [Fact]
    public void Evaluate_MetricsOnACharacterDevice_IsRefused_AndTheDeviceSurvives()
    {
        string device = SpecialFiles.NullDevice(Path.Combine(NewFolder(), "null"));

        AssertOneError(Run("evaluate", "--model-file", SaveSmallModel([1, 28, 28], null), "--metrics", device), 2, "device, pipe or socket");

        Assert.Equal("character special file", SpecialFiles.TypeOf(device));
    }

    [Fact]
    public void Evaluate_MetricsOnAFifo_IsRefusedWithoutBlocking()
    {
        string fifo = SpecialFiles.Fifo(Path.Combine(NewFolder(), "pipe"));

        AssertOneError(Run("evaluate", "--model-file", SaveSmallModel([1, 28, 28], null), "--metrics", fifo), 2, "device, pipe or socket");

        Assert.Equal("fifo", SpecialFiles.TypeOf(fifo));
    }

    [Fact]
    public void Evaluate_MetricsThatIsASymlink_IsRefused_AndItsTargetSurvives()
    {
        string folder = NewFolder(), victim = Path.Combine(folder, "victim"), link = Path.Combine(folder, "m.json");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(link, victim);

        AssertOneError(Run("evaluate", "--model-file", SaveSmallModel([1, 28, 28], null), "--metrics", link), 2, "symbolic link");

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(link));
    }

    [Fact]
    public void Evaluate_EmptyMetricsName_IsAUsageError()
    {
        AssertOneError(Run("evaluate", "--model-file", SaveSmallModel([1, 28, 28], null), "--metrics", ""), 2, "--metrics was given an empty value"); // refused at parse time, as every empty text option
    }

    [Fact]
    public void Evaluate_LinkPlantedAtTheOldTemporaryName_LeavesItsTargetIntact()
    {
        string folder = NewFolder(), victim = Path.Combine(folder, "victim"), metrics = Path.Combine(folder, "m.json");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(metrics + ".tmp", victim); // the probe and the writer used to truncate through this

        var result = Run("evaluate", "--model-file", TrainedModelPath, "--metrics", metrics);

        AssertSuccess(result);
        Assert.Equal("precious", File.ReadAllText(victim));
        using var json = JsonDocument.Parse(File.ReadAllText(metrics));
        Assert.InRange(json.RootElement.GetProperty("test_accuracy").GetDouble(), 0.5, 1);
        Assert.Equal(["m.json", "m.json.tmp", "victim"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
    }

    /// <summary>
    /// Issue 18's done-when: summary's peak working set stays under 200 MB plus the tensors the file holds (none
    /// here). The managed heap is also capped at 200 MB, so an attempt at the 800 MB layer ends the run.
    /// </summary>
    [Fact]
    public void Summary_TinyFileAskingForAHugeLayer_FailsClearly_WithinTheMemoryBound()
    {
        string path = HostileModelFiles.HugeDenseWithoutWeights(NewPath(".safetensors"));

        var (result, peak) = RunMeasured(new() { ["DOTNET_GCHeapHardLimit"] = "0xC800000" }, "summary", "--model-file", path);

        AssertOneError(result, 1, "missing '1.weight' [250000, 784]");
        Assert.True(peak < 200L << 20, $"peak working set {peak:N0} bytes");
    }

    [Fact]
    public void Summary_TheLargestHeaderTheLimitsAllow_StaysWithinTheMemoryBound()
    {
        string path = HostileModelFiles.MaximalHeader(NewPath(".safetensors"));
        Assert.InRange(new FileInfo(path).Length, 15 << 20, 16 << 20);

        var (result, peak) = RunMeasured(new() { ["DOTNET_GCHeapHardLimit"] = "0xC800000" }, "summary", "--model-file", path);

        AssertOneError(result, 1, "unexpected 't0'");
        Assert.Contains("more.", result.Error); // 16,384 problems, 20 listed
        Assert.True(peak < 200L << 20, $"peak working set {peak:N0} bytes");
    }

    [Fact]
    public async Task Summary_ModelFileFromAPipe_IsRead()
    {
        string model = SaveSmallModel([1, 28, 28], null);
        string fifo = SpecialFiles.Fifo(Path.Combine(NewFolder(), "model"));
        var expected = Run("summary", "--model-file", model);

        Task writer = Task.Run(() => File.WriteAllBytes(fifo, File.ReadAllBytes(model))); // blocks until the command opens it
        var result = Run("summary", "--model-file", fifo);

        AssertSuccess(result);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(expected.Output.Replace(model, fifo), result.Output);
    }

    [Fact]
    public async Task Summary_TruncatedModelFromAPipe_SaysSo()
    {
        byte[] model = File.ReadAllBytes(SaveSmallModel([1, 28, 28], null));
        string fifo = SpecialFiles.Fifo(Path.Combine(NewFolder(), "model"));

        Task writer = Task.Run(() => File.WriteAllBytes(fifo, model[..^100]));
        var result = Run("summary", "--model-file", fifo);

        AssertOneError(result, 1, "truncated");
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Summary_InputWhoseFlattenedSizeOverflows_NamesTheLayer()
    {
        AssertOneError(Run("summary", "--model", "mlp", "--input", "1,65536,65536"), 2, "Flatten");
    }

    [Fact]
    public void Errors_QuotingAHostileTensorName_ReachTheTerminalEscaped()
    {
        string path = SaveSmallModel([1, 28, 28], null);
        HostileModelFiles.Write(path + ".evil", SafeTensorsMetadata(path), [("\u001b[2J\u001b[31mred\nerror: forged", new Tensor(1))]);

        var result = Run("summary", "--model-file", path + ".evil");

        AssertOneError(result, 1, "unexpected '\\u001B[2J\\u001B[31mred\\u000Aerror: forged'");
        Assert.DoesNotContain('\u001b', result.Error);
    }

    [Fact]
    public void Predict_ImageWithAHostileFileName_IsPrintedEscaped()
    {
        string png = WritePng(TestPixels(0), 28, 28, ColorComponents.Grey);
        string hostile = Path.Combine(NewFolder(), "\u001b]0;owned\u0007shoe\u202E.png");
        File.Copy(png, hostile);

        var result = Run("predict", "--model-file", TrainedModelPath, hostile);

        AssertSuccess(result);
        Assert.Contains("\\u001B]0;owned\\u0007shoe\\u202E.png", result.Output);
        Assert.DoesNotContain('\u001b', result.Output);
        Assert.DoesNotContain('\u202e', result.Output);
    }

    private static Dictionary<string, string> SafeTensorsMetadata(string path) =>
        new(ScratchNet.Serialization.SafeTensors.Read(path).Metadata);

    // Runs the command with extra environment variables, sampling its peak working set (VmHWM) until it exits.
    private static ((int ExitCode, string Output, string Error) Result, long PeakWorkingSet) RunMeasured(Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ScratchNet.Cli.dll"));
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment.Remove("SCRATCHNET_DEBUG");
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (!process.WaitForExit(10))
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64); // the high-water mark so far, so a late sample misses little
            }
            catch (InvalidOperationException)
            {
                // Exited between the wait and the sample.
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"scratchnet {string.Join(' ', arguments)} did not finish within 3 minutes");
            }
        }
        Assert.True(peak > 0, "the working set was never sampled");
        return ((process.ExitCode, output.Result, error.Result), peak);
    }
}
