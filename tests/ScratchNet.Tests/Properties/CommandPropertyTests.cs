using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;
using ScratchNet.Tests.Cli;
using ScratchNet.Training;

namespace ScratchNet.Tests.Properties;

/// <summary>
/// No user-reachable path ends in the internal-error message ("this is a bug"): hundreds of seeded hostile inputs
/// (damaged model files, specifications, checkpoints and data files, and out-of-range, empty or odd option values)
/// go to every command, run in-process, and each run ends in success or one clean <c>error:</c> line with exit code
/// 1 or 2, within a time and memory bound. Every failing case is listed with its command line, to be replayed.
/// </summary>
[Collection(nameof(InProcessCliCollection))]
public sealed class CommandPropertyTests : IDisposable
{
    private const int Cases = 300;
    private const int Seed = 20261203;
    private const long MaxAllocatedBytes = 512L << 20;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(30);
    private static readonly string[] Kinds = ["model-file", "spec", "checkpoint", "data", "option"];

    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-commands-").FullName;
    private int _files;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Trait("Category", "Slow")]
    [Fact]
    public void EveryCommand_HostileInputs_EndInSuccessOrOneCleanErrorLine()
    {
        Assert.Null(Environment.GetEnvironmentVariable("SCRATCHNET_DEBUG")); // set, an internal error would escape as an exception
        var fixture = new Fixture(_folder);
        var random = new Random(Seed);
        var failures = new List<string>();
        var perKind = Kinds.ToDictionary(k => k, _ => 0);
        int run = 0;
        for (int i = 0; i < Cases; i++)
        {
            string kind = Kinds[i % Kinds.Length];
            string[] arguments = kind switch
            {
                "model-file" => ModelFileCase(random, fixture),
                "spec" => SpecCase(random, fixture),
                "checkpoint" => CheckpointCase(random, fixture),
                "data" => DataCase(random, fixture),
                _ => OptionCase(random, fixture),
            };
            string? problem = Check(arguments);
            run++;
            perKind[kind]++;
            if (problem is not null)
                failures.Add($"case {i} ({kind}): scratchnet {string.Join(' ', arguments.Select(a => $"'{a}'"))}\n    {problem}");
        }

        Assert.Equal(Cases, run);
        Assert.All(Kinds, k => Assert.Equal(Cases / Kinds.Length, perKind[k]));
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} runs (seed {Seed}) did not end cleanly:\n{string.Join("\n", failures)}");
    }

    // A valid model file, mutated, into evaluate, predict or summary.
    private string[] ModelFileCase(Random random, Fixture f)
    {
        string model = Write(HostileInputs.MutateSafeTensors(f.ModelBytes, random), ".safetensors");
        return random.Next(3) switch
        {
            0 => ["evaluate", "--model-file", model, "--data", f.DataFolder, "--threads", "1"],
            1 => ["predict", "--model-file", model, f.Png],
            _ => ["summary", "--model-file", model],
        };
    }

    // A valid specification, mutated, into summary, gradcheck or train.
    private string[] SpecCase(Random random, Fixture f)
    {
        string spec = Write(System.Text.Encoding.UTF8.GetBytes(HostileInputs.MutateJson(f.Spec, random)), ".json");
        return random.Next(3) switch
        {
            0 => ["summary", "--spec", spec],
            1 => ["gradcheck", "--spec", spec, "--input", "1,8,8", "--max-entries", "8"],
            _ => [.. f.Train.Where(a => a is not ("--model" or "mlp")), "--spec", spec],
        };
    }

    // A run folder whose checkpoint is mutated, resumed.
    private string[] CheckpointCase(Random random, Fixture f)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_folder, $"run{Interlocked.Increment(ref _files)}")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "checkpoint.safetensors"), HostileInputs.MutateSafeTensors(f.CheckpointBytes, random));
        return ["train", "--resume", folder, "--quiet"];
    }

    // A copy of the data folder with one IDX file damaged, into train, evaluate or datasets.
    private string[] DataCase(Random random, Fixture f)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_folder, $"data{Interlocked.Increment(ref _files)}")).FullName;
        foreach (string file in Directory.GetFiles(f.DataFolder))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        string victim = random.Pick(Directory.GetFiles(folder));
        File.WriteAllBytes(victim, HostileInputs.MutateIdx(File.ReadAllBytes(victim), random));
        // datasets also loads the whole default folder (Fashion-MNIST, about a second): rarely.
        return random.Next(12) switch
        {
            0 => ["datasets", "--data", folder],
            < 6 => ["evaluate", "--model-file", f.Model, "--data", folder, "--threads", "1"],
            _ => [.. f.Train.Select(a => a == f.DataFolder ? folder : a)],
        };
    }

    // A valid command line with one option (or the image argument) given a hostile value.
    private static string[] OptionCase(Random random, Fixture f)
    {
        string[] paths = ["", " ", f.EmptyFolder, f.DataFolder, "/dev/null", "/dev/zero", "/", f.Missing, f.Png, f.TextFile, f.Model];
        string[] outputs = ["", f.EmptyFolder, "/dev/null", "/", "/proc/no-such/x", Path.Combine(f.TextFile, "x"), f.NewOutput()];
        var (command, option, values) = random.Next(16) switch
        {
            < 4 => ("train", random.Pick(new[] { "--epochs", "--batch-size", "--warmup", "--seed", "--limit", "--validation", "--patience", "--eval-every", "--threads",
                "--lr", "--momentum", "--weight-decay", "--final-lr", "--data", "--metrics", "--out", "--spec", "--resume", "--model", "--optimizer", "--schedule", "--init" }), (string[]?)null),
            < 7 => ("evaluate", random.Pick(new[] { "--model-file", "--data", "--metrics", "--threads" }), null),
            < 9 => ("predict", random.Pick(new[] { "--model-file", "--top", "IMAGE" }), null),
            < 12 => ("summary", random.Pick(new[] { "--model-file", "--spec", "--input", "--model" }), null),
            < 15 => ("gradcheck", random.Pick(new[] { "--spec", "--model", "--input", "--batch", "--max-entries", "--seed" }), null),
            _ => ("datasets", "--data", null), // rarely: it loads the default folder too
        };
        values = option switch
        {
            // A huge epoch count is a long run, not a fault; every other number is fair game.
            "--epochs" => ["0", "-1", "-2147483648", "", "x", "1"],
            "--lr" or "--momentum" or "--weight-decay" or "--final-lr" => HostileInputs.Numbers,
            "--data" or "--model-file" or "--spec" or "--resume" or "IMAGE" => paths,
            "--metrics" or "--out" => outputs,
            "--model" or "--optimizer" or "--schedule" or "--init" => HostileInputs.Names,
            "--input" => HostileInputs.Shapes,
            _ => HostileInputs.Integers,
        };
        string value = random.Pick(values);
        List<string> arguments = command switch
        {
            "train" => [.. f.Train],
            "evaluate" => ["evaluate", "--model-file", f.Model, "--data", f.DataFolder, "--threads", "1"],
            "predict" => ["predict", "--model-file", f.Model, f.Png],
            "summary" => ["summary", "--spec", f.SpecFile, "--input", "1,12,12"],
            "gradcheck" => ["gradcheck", "--spec", f.SpecFile, "--input", "1,8,8", "--batch", "2", "--max-entries", "8"],
            _ => ["datasets", "--data", f.DataFolder],
        };
        if (option == "IMAGE") arguments[^1] = value;
        else if (arguments.IndexOf(option) is int at and >= 0) arguments[at + 1] = value;
        else arguments.AddRange([option, value]);
        // One source of a model at a time, as the commands require; the option under test replaces the other.
        if (command is "summary" or "gradcheck" && option is "--model-file" or "--model") RemoveOption(arguments, "--spec");
        if (command == "summary" && option == "--model-file") RemoveOption(arguments, "--input");
        if (command == "train" && option == "--spec") RemoveOption(arguments, "--model");
        if (command == "train" && option == "--resume") arguments = ["train", "--resume", value];
        return [.. arguments];
    }

    private static void RemoveOption(List<string> arguments, string option)
    {
        int at = arguments.IndexOf(option);
        if (at >= 0) arguments.RemoveRange(at, 2);
    }

    // Null when the run ended cleanly; otherwise what went wrong.
    private static string? Check(string[] arguments)
    {
        var run = Task.Run(() =>
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var result = InProcessCli.Run(arguments);
            return (Result: result, Allocated: GC.GetTotalAllocatedBytes(precise: true) - before);
        });
        try
        {
            if (!run.Wait(MaxTime)) return $"did not finish within {MaxTime.TotalSeconds} s";
        }
        catch (AggregateException e)
        {
            return $"threw {e.InnerException!.GetType().Name}: {e.InnerException.Message}";
        }
        var ((code, output, error), allocated) = run.Result;
        if (allocated > MaxAllocatedBytes) return $"allocated {allocated:N0} bytes (exit {code}; stderr: {error.Trim()})";
        if (error.Contains("this is a bug")) return error.Trim();
        if (code == 0) return null;
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // gradcheck's own verdict: a failing gradient is exit 1 with the table, not an error.
        if (code == 1 && lines.Length == 0 && arguments[0] == "gradcheck" && output.Contains("FAILED")) return null;
        if (code is not (1 or 2) || lines.Length != 1 || !lines[0].StartsWith("error: "))
            return $"exit {code} without one clean error line; stderr: {error.Trim()}";
        return null;
    }

    private string Write(byte[] bytes, string extension)
    {
        string path = Path.Combine(_folder, $"f{Interlocked.Increment(ref _files)}{extension}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The valid inputs the cases start from: a tiny data set, a model, a specification, a checkpoint, an image.</summary>
    private sealed class Fixture
    {
        private readonly string _folder;
        private int _outputs;

        public Fixture(string folder)
        {
            _folder = folder;
            DataFolder = Directory.CreateDirectory(Path.Combine(folder, "tiny-data")).FullName;
            var random = new Random(1);
            foreach (var (set, count) in new[] { ("train", 20), ("t10k", 10) })
            {
                var pixels = new byte[count * 28 * 28];
                random.NextBytes(pixels);
                IdxFile.Write(Path.Combine(DataFolder, $"{set}-images-idx3-ubyte"), [count, 28, 28], pixels, gzip: false);
                IdxFile.Write(Path.Combine(DataFolder, $"{set}-labels-idx1-ubyte"), [count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray(), gzip: false);
            }
            Train = ["train", "--model", "mlp", "--data", DataFolder, "--limit", "20", "--epochs", "1", "--batch-size", "10", "--threads", "1", "--quiet"];

            var network = new NeuralNetwork(
                [new Conv2D(2, 3, bias: false), new BatchNorm(activation: new ReLU()), new MaxPool2D(2), new Flatten(), new Dense(10)],
                new SoftmaxCrossEntropy(), seed: 1);
            network.Build([1, 28, 28]);
            network.Normalization = new Standardizer(72f, 90f);
            network.ClassNames = IdxDatasetLoader.FashionMnistClassNames;
            Model = Path.Combine(folder, "model.safetensors");
            network.Save(Model);
            ModelBytes = File.ReadAllBytes(Model);
            Spec = ModelSpec.Describe(network.Layers, network.Loss);
            SpecFile = Path.Combine(folder, "spec.json");
            File.WriteAllText(SpecFile, Spec);

            string run = Path.Combine(folder, "run");
            var trained = InProcessCli.Run([.. Train, "--out", run]);
            Assert.True(trained.ExitCode == 0, trained.Error);
            CheckpointBytes = File.ReadAllBytes(Path.Combine(run, "checkpoint.safetensors"));

            Png = CliModels.WritePng(new byte[28 * 28], 28, 28, ColorComponents.Grey);
            EmptyFolder = Directory.CreateDirectory(Path.Combine(folder, "empty")).FullName;
            TextFile = Path.Combine(folder, "notes.txt");
            File.WriteAllText(TextFile, "not a model, not an image");
            Missing = Path.Combine(folder, "no-such-file");
        }

        public string DataFolder { get; }
        public string[] Train { get; }
        public string Model { get; }
        public byte[] ModelBytes { get; }
        public string Spec { get; }
        public string SpecFile { get; }
        public byte[] CheckpointBytes { get; }
        public string Png { get; }
        public string EmptyFolder { get; }
        public string TextFile { get; }
        public string Missing { get; }

        /// <summary>A fresh output path that can be written.</summary>
        public string NewOutput() => Path.Combine(_folder, $"out{Interlocked.Increment(ref _outputs)}", "result.json");
    }
}
