using System.Diagnostics;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// `train --out DIR` checkpoints after every epoch; a run killed with SIGKILL mid-epoch and continued with
/// `--resume DIR` ends with a model file byte-identical to that of a run never interrupted.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Settings =
        ["train", "--model", "seed-cnn", "--limit", "12000", "--epochs", "3", "--threads", "1", "--validation", "1000", "--augment"];

    [Fact]
    public void KilledMidEpochThenResumed_GivesTheSameModelAsAnUninterruptedRun()
    {
        string straight = Path.Combine(_folder, "straight"), killed = Path.Combine(_folder, "killed");
        var (code, _, error) = CommandLineTests.Run([.. Settings, "--out", straight]);
        Assert.True(code == 0, error);

        // Start the same run, wait for its first checkpoint, then kill it without warning.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[Path.Combine(AppContext.BaseDirectory, "ScratchNet.Cli.dll"), .. Settings, "--out", killed])
            start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            string checkpoint = Path.Combine(killed, "checkpoint.safetensors");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(checkpoint) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
            Assert.True(File.Exists(checkpoint), "no checkpoint was written");
            Thread.Sleep(50); // into epoch 2
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(killed, "model.safetensors")), "the killed run finished before it was killed");

        var (resumeCode, output, resumeError) = CommandLineTests.Run("train", "--resume", killed);

        Assert.True(resumeCode == 0, resumeError);
        Assert.Contains("resume", output);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(killed, "model.safetensors")));
        foreach (string file in (string[])["metrics.json", "report.html", "loss.png", "accuracy.png", "confusion.png", "filters.png", "misclassified.png"])
            Assert.True(File.Exists(Path.Combine(killed, file)), $"{file} is missing after the resumed run");
    }

    [Theory]
    [InlineData("INT", "interrupt: finishing the current batch")] // Ctrl-C
    [InlineData("TERM", "terminate signal: finishing the current batch")] // kill, systemd, Docker, batch schedulers
    public async Task AStopSignal_FinishesTheBatchWritesACheckpoint_AndResumingGivesTheSameModel(string signal, string notice)
    {
        string straight = Path.Combine(_folder, "straight"), interrupted = Path.Combine(_folder, "interrupted");
        var (code, _, error) = CommandLineTests.Run([.. Settings, "--out", straight]);
        Assert.True(code == 0, error);

        var (exitCode, stderr) = await RunUntilCtrlC([.. Settings, "--out", interrupted], Path.Combine(interrupted, "checkpoint.safetensors"), signal);
        Assert.Equal(130, exitCode);
        Assert.Contains(notice, stderr);
        Assert.Contains("checkpoint written", stderr);
        Assert.DoesNotContain("   at ", stderr);

        var (resumeCode, _, resumeError) = CommandLineTests.Run("train", "--resume", interrupted);

        Assert.True(resumeCode == 0, resumeError);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(interrupted, "model.safetensors")));
    }

    /// <summary>
    /// Starts `scratchnet ARGUMENTS` as a process, waits for <paramref name="checkpoint"/> (the end of epoch 1), lets it run
    /// a few batches into epoch 2 and sends SIGINT, as Ctrl-C does (or the given <paramref name="signal"/>); returns the
    /// exit code and stderr. The signal goes straight through libc's kill(2): starting a `kill` process took long enough
    /// on a loaded machine for a short run to finish first.
    /// </summary>
    internal static async Task<(int ExitCode, string Error)> RunUntilCtrlC(string[] arguments, string checkpoint, string signal = "INT")
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[Path.Combine(AppContext.BaseDirectory, "ScratchNet.Cli.dll"), .. arguments])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        Task<string> errorText = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
        Thread.Sleep(20); // into epoch 2
        Assert.True(Signal.Send(process.Id, signal == "INT" ? Signal.Interrupt : Signal.Terminate) == 0, "kill(2) failed");
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the run did not stop after Ctrl-C");
        return (process.ExitCode, await errorText);
    }

    [Fact]
    public void TwoRunsWithTheSameSeedAndThreads_GiveIdenticalModelsAndMetrics()
    {
        string[] settings = ["train", "--model", "lenet5", "--limit", "2000", "--epochs", "2", "--threads", "2", "--augment", "--seed", "9"];
        string a = Path.Combine(_folder, "a"), b = Path.Combine(_folder, "b");
        Assert.Equal(0, CommandLineTests.Run([.. settings, "--out", a]).ExitCode);
        Assert.Equal(0, CommandLineTests.Run([.. settings, "--out", b]).ExitCode);

        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));
        // Everything in metrics.json but the timings.
        static string WithoutTimings(string path) => System.Text.RegularExpressions.Regex.Replace(
            File.ReadAllText(path), "\"(seconds|images_per_second)\": [0-9.Ee+-]+", "");
        Assert.Equal(WithoutTimings(Path.Combine(a, "metrics.json")), WithoutTimings(Path.Combine(b, "metrics.json")));
    }

    [Fact]
    public void Resume_WithoutACheckpoint_SaysHowToGetOne()
    {
        var (code, _, error) = CommandLineTests.Run("train", "--resume", _folder);
        Assert.Equal(2, code);
        Assert.Contains("no checkpoint.safetensors", error);
    }

    [Fact]
    public void Resume_WithOtherSettings_IsRefused()
    {
        var (code, _, error) = CommandLineTests.Run("train", "--resume", _folder, "--epochs", "5");
        Assert.Equal(2, code);
        Assert.Contains("drop --epochs", error);
    }
}

/// <summary>POSIX signals sent without starting a process.</summary>
internal static partial class Signal
{
    public const int Interrupt = 2, Terminate = 15;

    /// <summary>kill(2): 0 on success.</summary>
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Send(int pid, int signal);
}
