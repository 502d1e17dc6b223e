using System.Diagnostics;
using ScratchNet.Serialization;
using ScratchNet.Tests.Cli;
using ScratchNet.Training;

namespace ScratchNet.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 scratchnet train …` on loopback against one process with the same seed and global batch, on the real
/// Fashion-MNIST, for models without batch normalisation or dropout (seed-cnn, lenet5).
/// </summary>
[Trait("Category", "Slow")]
public sealed class MpiTrainTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-mpi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("seed-cnn", 1200)] // batch 60: 20 steps
    [InlineData("lenet5", 1280)] // batch 64: 20 steps
    public void TwoRanks_After20Steps_HoldTheWeightsOfOneProcess(string model, int images)
    {
        string one = Path.Combine(_folder, "one"), two = Path.Combine(_folder, "two");
        string[] run = ["train", "--model", model, "--limit", $"{images}", "--epochs", "1", "--threads", "1"];

        var (code, _, error) = CommandLineTests.Run([.. run, "--out", one]);
        Assert.True(code == 0, error);
        var (mpiCode, output, mpiError) = Mpirun.Run(2, [.. run, "--out", two]);
        Assert.True(mpiCode == 0, mpiError);

        AssertSameWeights(Path.Combine(one, "model.safetensors"), Path.Combine(two, "model.safetensors"));
        Assert.Single(output.Split('\n'), line => line.StartsWith("test accuracy", StringComparison.Ordinal)); // rank 0 alone reports
        Assert.Contains("workers  2 processes (MPI)", output);
    }

    [Fact]
    public void TwoRanks_FullSeedCnnEpoch_ReachTheTestAccuracyOfOneProcess()
    {
        string[] run = ["train", "--model", "seed-cnn", "--epochs", "1", "--threads", "1"];
        var (code, _, error) = CommandLineTests.Run([.. run, "--metrics", Path.Combine(_folder, "one.json")]);
        Assert.True(code == 0, error);
        var (mpiCode, _, mpiError) = Mpirun.Run(2, [.. run, "--metrics", Path.Combine(_folder, "two.json")]);
        Assert.True(mpiCode == 0, mpiError);

        double alone = TestAccuracy(Path.Combine(_folder, "one.json")), together = TestAccuracy(Path.Combine(_folder, "two.json"));
        Assert.InRange(together, alone - 0.002, alone + 0.002);
    }

    [Theory]
    [InlineData("--lr", "0.02", "'setting lr = 0.02' where rank 0 has 'setting lr = 0.01'")] // an option
    [InlineData("--limit", "540", "'training images: 540 of [1, 28, 28], labels ")] // the data
    public void RanksThatDisagree_StopBeforeTraining_ListingTheDifference(string option, string value, string expected)
    {
        string[] run = ["train", "--model", "seed-cnn", "--epochs", "1", "--threads", "1"];
        string[] first = [.. run, "--limit", "600", "--lr", "0.01"];
        string[] second = [.. run, "--limit", option == "--limit" ? value : "600", "--lr", option == "--lr" ? value : "0.01"];
        var start = Mpirun.StartInfo(["-np", "1", .. Mpirun.Launch(first), ":", "-np", "1", .. Mpirun.Launch(second)]);

        var (code, output, error) = Mpirun.Run(start);

        Assert.Equal(2, code);
        Assert.Contains("error: the 2 processes do not train the same thing: rank 1 has ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal)); // from rank 0 only
        Assert.DoesNotContain("epoch 1/1", output);
    }

    [Fact]
    public async Task KillingOneRank_StopsTheOtherWithAnErrorNamingIt_AndTheCheckpointResumesWithOneOrTwoProcesses()
    {
        string straight = Path.Combine(_folder, "straight"), killed = Path.Combine(_folder, "killed");
        string[] run = ["train", "--model", "seed-cnn", "--limit", "1200", "--epochs", "3", "--threads", "1"];
        var (code, _, error) = CommandLineTests.Run([.. run, "--out", straight]);
        Assert.True(code == 0, error);

        using (var mpirun = Process.Start(Mpirun.StartInfo(2, [.. run, "--out", killed]))!)
        {
            Task<string> stderr = mpirun.StandardError.ReadToEndAsync();
            _ = mpirun.StandardOutput.ReadToEndAsync();
            string checkpoint = Path.Combine(killed, "checkpoint.safetensors");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(checkpoint) && !mpirun.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
            Assert.True(File.Exists(checkpoint), "no checkpoint was written");
            int rank1 = RankProcess(mpirun.Id, 1);
            Process.GetProcessById(rank1).Kill(); // SIGKILL
            var afterKill = Stopwatch.StartNew();
            bool stopped = mpirun.WaitForExit(TimeSpan.FromSeconds(30));
            if (!stopped) mpirun.Kill(entireProcessTree: true);
            Assert.True(stopped, "rank 0 was still running 30 s after rank 1 was killed");
            Assert.Contains($"error: rank 0: rank 1 (process {rank1} on {Environment.MachineName}) disappeared", await stderr);
            Assert.True(afterKill.Elapsed < TimeSpan.FromSeconds(30));
        }
        Assert.False(File.Exists(Path.Combine(killed, "model.safetensors")), "the run finished before rank 1 was killed");
        CopyFolder(killed, killed + "-copy");

        var (alone, _, aloneError) = CommandLineTests.Run("train", "--resume", killed);
        Assert.True(alone == 0, aloneError);
        AssertSameWeights(Path.Combine(straight, "model.safetensors"), Path.Combine(killed, "model.safetensors"));

        var (together, _, togetherError) = Mpirun.Run(2, "train", "--resume", killed + "-copy");
        Assert.True(together == 0, togetherError);
        AssertSameWeights(Path.Combine(straight, "model.safetensors"), Path.Combine(killed + "-copy", "model.safetensors"));
    }

    [Fact]
    public async Task OneProcessInterrupted_ResumesWithTwo_ToTheModelOfAnUninterruptedRun()
    {
        string straight = Path.Combine(_folder, "straight"), interrupted = Path.Combine(_folder, "interrupted");
        string[] run = ["train", "--model", "lenet5", "--limit", "1280", "--epochs", "3", "--threads", "1"];
        var (code, _, error) = CommandLineTests.Run([.. run, "--out", straight]);
        Assert.True(code == 0, error);
        var (stopped, _) = await ResumeTests.RunUntilCtrlC([.. run, "--out", interrupted], Path.Combine(interrupted, "checkpoint.safetensors"));
        Assert.Equal(130, stopped);

        var (resumed, _, resumeError) = Mpirun.Run(2, "train", "--resume", interrupted);

        Assert.True(resumed == 0, resumeError);
        AssertSameWeights(Path.Combine(straight, "model.safetensors"), Path.Combine(interrupted, "model.safetensors"));
    }

    [Fact]
    public async Task CtrlCOnMpirun_StopsEveryRankWithAnErrorLine_AndTheCheckpointStaysUsable()
    {
        string folder = Path.Combine(_folder, "cancelled");
        using var mpirun = Process.Start(Mpirun.StartInfo(2, "train", "--model", "seed-cnn", "--limit", "1200", "--epochs", "5", "--threads", "1", "--out", folder))!;
        Task<string> stderr = mpirun.StandardError.ReadToEndAsync();
        _ = mpirun.StandardOutput.ReadToEndAsync();
        string checkpoint = Path.Combine(folder, "checkpoint.safetensors");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !mpirun.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
        Assert.True(File.Exists(checkpoint), "no checkpoint was written");

        Assert.Equal(0, Kill(mpirun.Id, 2)); // SIGINT, as Ctrl-C in a terminal
        bool stopped = mpirun.WaitForExit(TimeSpan.FromSeconds(30));
        if (!stopped) mpirun.Kill(entireProcessTree: true);

        Assert.True(stopped, "the ranks were still running 30 s after Ctrl-C");
        Assert.NotEqual(0, mpirun.ExitCode);
        string error = await stderr;
        Assert.True(error.Contains("error: rank 0: the run stopped (SIGTERM from mpirun)", StringComparison.Ordinal), error);
        Assert.True(error.Contains("error: rank 1: the run stopped (SIGTERM from mpirun)", StringComparison.Ordinal), error);
        Assert.False(error.Contains("disappeared", StringComparison.Ordinal), error); // both were signalled; neither died
        Assert.False(error.Contains("   at ", StringComparison.Ordinal), error);
        Assert.Equal(125850, Checkpoint.LoadModel(checkpoint).ParameterCount); // intact: it loads
    }

    [Fact]
    public async Task SigintToOneRank_StopsAllAfterTheSameBatch_AndRankZerosCheckpointResumes()
    {
        string straight = Path.Combine(_folder, "straight"), stopped = Path.Combine(_folder, "stopped");
        string[] run = ["train", "--model", "seed-cnn", "--limit", "3000", "--epochs", "2", "--threads", "1"];
        var (code, _, error) = CommandLineTests.Run([.. run, "--out", straight]);
        Assert.True(code == 0, error);

        using var mpirun = Process.Start(Mpirun.StartInfo(2, [.. run, "--out", stopped]))!;
        Task<string> stderr = mpirun.StandardError.ReadToEndAsync();
        _ = mpirun.StandardOutput.ReadToEndAsync();
        string checkpoint = Path.Combine(stopped, "checkpoint.safetensors");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !mpirun.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
        Assert.True(File.Exists(checkpoint), "no checkpoint was written");
        Assert.Equal(0, Kill(RankProcess(mpirun.Id, 1), 2)); // SIGINT to rank 1 alone: the stop flag travels with the gradients
        Assert.True(mpirun.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not stop");

        Assert.Equal(130, mpirun.ExitCode);
        Assert.Contains("checkpoint written: continue with ./scratchnet train --resume", await stderr);
        Assert.False(File.Exists(Path.Combine(stopped, "model.safetensors")), "rank 0 took the stopped run for a finished one");
        var (resumed, _, resumeError) = CommandLineTests.Run("train", "--resume", stopped);
        Assert.True(resumed == 0, resumeError);
        AssertSameWeights(Path.Combine(straight, "model.safetensors"), Path.Combine(stopped, "model.safetensors"));
    }

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    // Each parameter of the two models: max |a − b| ≤ 1e-5 · max |a|.
    private static void AssertSameWeights(string expectedFile, string actualFile)
    {
        NeuralNetwork expected = NeuralNetwork.Load(expectedFile), actual = NeuralNetwork.Load(actualFile);
        var pairs = expected.NamedParameters().Zip(actual.NamedParameters()).ToArray();
        Assert.Equal(expected.Parameters.Count, pairs.Length);
        foreach (var (e, a) in pairs)
        {
            Assert.Equal(e.Name, a.Name);
            float difference = DataParallelTrainingTests.RelativeDifference(e.Parameter.Value.Span.ToArray(), a.Parameter.Value.Span.ToArray());
            Assert.True(difference <= 1e-5f, $"{e.Name} differs by {difference:G3} of its largest value");
        }
    }

    private static double TestAccuracy(string metricsFile) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(metricsFile)).RootElement.GetProperty("test_accuracy").GetDouble();

    // The process mpirun started as rank `rank` (mpirun sets OMPI_COMM_WORLD_RANK in its children's environment).
    private static int RankProcess(int mpirun, int rank)
    {
        foreach (string dir in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (parent == mpirun && File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}"))
                    return int.Parse(Path.GetFileName(dir));
            }
            catch (IOException)
            {
            }
        }
        throw new InvalidOperationException($"mpirun {mpirun} has no rank {rank}");
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
