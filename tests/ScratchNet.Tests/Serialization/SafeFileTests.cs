using System.Runtime.Versioning;
using ScratchNet.Models;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Tests.Serialization;

/// <summary>The output writer: whole files or nothing, and nothing but a regular file ever replaced.</summary>
[SupportedOSPlatform("linux")] // devices, pipes and Unix permissions
public sealed class SafeFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-safefile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static NeuralNetwork BuiltMlp()
    {
        NeuralNetwork network = ModelPreset.Mlp.CreateNetwork(seed: 2);
        network.Build([1, 28, 28]);
        return network;
    }

    [Fact]
    public void CharacterDevice_IsRefused_AndStaysADevice()
    {
        string device = SpecialFiles.NullDevice(PathOf("null"));

        var e = Assert.Throws<IOException>(() => SafeFile.WriteAllText(device, "{}"));
        Assert.Throws<IOException>(() => SafeFile.CheckWritable(device));
        Assert.Throws<IOException>(() => BuiltMlp().Save(device));

        Assert.Contains("device, pipe or socket", e.Message);
        Assert.Equal("character special file", SpecialFiles.TypeOf(device));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task Fifo_IsRefusedWithoutBlocking_AndStaysAFifo()
    {
        string fifo = SpecialFiles.Fifo(PathOf("pipe"));

        // No reader is attached: an open for writing would block, so a hang fails the test instead of the run.
        Task<Exception> attempt = Task.Run(() => Record.Exception(() => SafeFile.WriteAllText(fifo, "{}")));
        Exception e = await attempt.WaitAsync(TimeSpan.FromSeconds(30)); // a TimeoutException here means it blocked

        Assert.IsType<IOException>(e);
        Assert.Contains("device, pipe or socket", e.Message);
        Assert.Equal("fifo", SpecialFiles.TypeOf(fifo));
    }

    [Fact]
    public void SymbolicLinkTarget_IsNeitherFollowedNorReplaced()
    {
        string victim = PathOf("victim.txt");
        File.WriteAllText(victim, "precious");
        string link = PathOf("m.json");
        File.CreateSymbolicLink(link, victim);

        var e = Assert.Throws<IOException>(() => SafeFile.WriteAllText(link, "{}"));

        Assert.Contains("symbolic link", e.Message);
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(link));
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void LinksPlantedAtTheOldTemporaryNames_LeaveTheirTargetsIntact()
    {
        string victim = PathOf("victim.txt");
        File.WriteAllText(victim, "precious");
        string metrics = PathOf("m.json"), model = PathOf("model.safetensors");
        // The names the writers used to create and truncate, following links: X.tmp and X.{pid}.tmp.
        foreach (string planted in new[] { metrics + ".tmp", $"{metrics}.{Environment.ProcessId}.tmp", model + ".tmp", $"{model}.{Environment.ProcessId}.tmp" })
            File.CreateSymbolicLink(planted, victim);

        SafeFile.CheckWritable(metrics);
        SafeFile.WriteAllText(metrics, "{\"a\": 1}");
        NeuralNetwork network = BuiltMlp();
        network.Save(model);

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("{\"a\": 1}", File.ReadAllText(metrics));
        Assert.Equal(network.ParameterCount, NeuralNetwork.Load(model).ParameterCount);
        Assert.Equal(7, Directory.GetFileSystemEntries(_folder).Length); // the victim, the 4 links and the 2 outputs: no temporary file left
    }

    [Fact]
    public void ExistingRegularFile_IsReplacedAtomically_KeepingItsPermissions()
    {
        string path = PathOf("m.json");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read); // a reader that opened the old file

        SafeFile.WriteAllText(path, "new content");

        // The old file was replaced by a rename, not rewritten in place: the open reader still sees all of it.
        Assert.Equal("old", new StreamReader(reader).ReadToEnd());
        Assert.Equal("new content", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void EmptyRegularFile_IsReplaced()
    {
        string path = PathOf("empty.json");
        File.WriteAllBytes(path, []);

        SafeFile.WriteAllText(path, "[]");

        Assert.Equal("[]", File.ReadAllText(path));
    }

    [Fact]
    public void FolderTarget_IsRefused()
    {
        string folder = Directory.CreateDirectory(PathOf("out")).FullName;
        var e = Assert.Throws<IOException>(() => SafeFile.WriteAllText(folder, "{}"));
        Assert.Contains("is a folder", e.Message);
    }

    [Fact]
    public void WriterThatFails_LeavesTheOldFileAndNoTemporaryFile()
    {
        string path = PathOf("m.json");
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => SafeFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("interrupted");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task ConcurrentWriters_LeaveOneWholeVersion_AndReadersNeverSeeAMixture()
    {
        string path = PathOf("shared.bin");
        const int writers = 4, rounds = 15, size = 64 << 10;
        byte[][] versions = Enumerable.Range(1, writers).Select(w => Enumerable.Repeat((byte)w, size).ToArray()).ToArray();
        SafeFile.WriteAllBytes(path, versions[0]);
        using var done = new CancellationTokenSource();
        var seen = new List<string>();
        Task reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                byte[] content = File.ReadAllBytes(path);
                if (content.Length != size || content.Any(b => b != content[0])) seen.Add($"{content.Length} bytes, mixed");
            }
        });

        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            for (int r = 0; r < rounds; r++) SafeFile.WriteAllBytes(path, versions[w]);
        });
        done.Cancel();
        await reader;

        Assert.Empty(seen);
        Assert.Contains(versions, v => v.SequenceEqual(File.ReadAllBytes(path)));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void CheckWritable_LeavesNothingBehind_AndCreatesTheFolder()
    {
        string path = PathOf(Path.Combine("new", "m.json"));

        SafeFile.CheckWritable(path);

        Assert.Empty(Directory.GetFileSystemEntries(PathOf("new")));
    }
}
