using System.Globalization;

namespace ScratchNet.Bench.Torch;

/// <summary>The command line of the benchmark; the parent passes the same options on to each child.</summary>
public sealed record BenchOptions
{
    /// <summary>The presets that have a TorchSharp twin (<see cref="TorchSharpModels"/>).</summary>
    public static IReadOnlyList<string> KnownModels { get; } = ["seed-cnn", "mlp", "fashion-cnn", "fashion-resnet"];

    /// <summary>Models to train, by preset name.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["seed-cnn", "fashion-cnn", "fashion-resnet"];

    /// <summary>Thread counts; each engine runs once per count, in its own process.</summary>
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];

    /// <summary>Engines to run, in this order for every thread count.</summary>
    public IReadOnlyList<string> Engines { get; init; } = [Engine.ScratchNet, Engine.TorchSharp];

    /// <summary>Batches per timed run; null: <see cref="EpochsFraction"/> of the training set.</summary>
    public int? Batches { get; init; }

    /// <summary>Fraction of an epoch per timed run, used when <see cref="Batches"/> is null; null: the model's default.</summary>
    public double? EpochsFraction { get; init; }

    /// <summary>
    /// A whole epoch for the small models; a third of one for fashion-cnn, whose epoch takes a minute or more per
    /// engine and thread count (156 batches of 128 are still 20,000 images per timed run); a tenth for
    /// fashion-resnet, whose image costs over four times fashion-cnn's arithmetic (47 batches of 128, 6,016 images).
    /// </summary>
    public static double DefaultEpochsFraction(string model) => model switch
    {
        "fashion-cnn" => 1.0 / 3,
        "fashion-resnet" => 0.1,
        _ => 1.0,
    };

    /// <summary>Steps for the allocation figure when <see cref="AllocSteps"/> is null: 200, 40 for fashion-cnn, 20 for fashion-resnet.</summary>
    public static int DefaultAllocSteps(string model) => model switch
    {
        "fashion-cnn" => 40,
        "fashion-resnet" => 20,
        _ => 200,
    };

    /// <summary>Timed runs per configuration; the table shows the best.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>Untimed training steps before the first timed run (JIT, buffers, thread pools).</summary>
    public int Warmup { get; init; } = 50;

    /// <summary>Steps over which allocation per step is measured, after the timed runs; null: the model's default.</summary>
    public int? AllocSteps { get; init; }

    /// <summary>Images per step; null: the preset's (60 for seed-cnn and mlp, 128 for fashion-cnn).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Test images to evaluate on (the first N); null: all of them. A smoke run's evaluation then takes no time.</summary>
    public int? TestImages { get; init; }

    /// <summary>Seed of weights (ScratchNet; TorchSharp's manual_seed) and of the batch order (both).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The data folder; null: DataLocator's search (SCRATCHNET_DATA, then the Debian package's folder).</summary>
    public string? Data { get; init; }

    /// <summary>Set in child processes: run exactly one engine at one thread count and print a RESULT line.</summary>
    public bool Child { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: ScratchNet.Bench.Torch [options]
          --model NAMES           models, comma-separated: seed-cnn, mlp, fashion-cnn, fashion-resnet
                                  (default seed-cnn,fashion-cnn,fashion-resnet)
          --threads LIST          thread counts, comma-separated (default 1,2)
          --engines LIST          scratchnet, torchsharp (default both, in that order)
          --batches N             batches per timed run (default: one epoch at the preset's batch size,
                                  1000 batches of 60, for seed-cnn and mlp; a third of one, 156 of 128, for fashion-cnn;
                                  a tenth, 47 of 128, for fashion-resnet)
          --epochs-fraction F     instead of --batches: this fraction of an epoch per timed run
          --repeat R              timed runs per configuration; the table shows the best (default 3)
          --warmup N              untimed steps before timing (default 50)
          --alloc-steps N         steps for the bytes-per-step measurement (default 200, 40 for fashion-cnn,
                                  20 for fashion-resnet; 0 skips)
          --batch-size N          images per step (default: the preset's, 60 or 128 for fashion-cnn)
          --test-images N         evaluate on the first N test images (default all 10,000)
          --seed N                seed of weights and batch order (default 1)
          --data DIR              IDX data folder (default: SCRATCHNET_DATA, then /usr/share/datasets/fashion-mnist)

        A full fashion-cnn epoch takes over a minute per engine and thread count; for a quick comparison:
          --model fashion-cnn --batches 100 --alloc-steps 20
        To check that everything runs, in a minute or two (the figures mean nothing):
          --batches 2 --repeat 1 --warmup 1 --alloc-steps 1 --batch-size 8 --test-images 64
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with the offending value.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--child") { options = options with { Child = true }; continue; }
            if (i + 1 >= args.Count) throw new ArgumentException($"Option {name} needs a value.");
            string value = args[++i];
            options = name switch
            {
                "--model" or "--models" => options with { Models = List(value, name, s => s.ToLowerInvariant()) },
                "--threads" => options with { Threads = List(value, name, s => Positive(s, name)) },
                "--engines" => options with { Engines = List(value, name, s => Engine.Normalize(s)) },
                "--batches" => options with { Batches = Positive(value, name) },
                "--epochs-fraction" => options with { EpochsFraction = Fraction(value, name), Batches = null },
                "--repeat" => options with { Repeat = Positive(value, name) },
                "--warmup" => options with { Warmup = NonNegative(value, name) },
                "--alloc-steps" => options with { AllocSteps = NonNegative(value, name) },
                "--batch-size" => options with { BatchSize = Positive(value, name) },
                "--test-images" => options with { TestImages = Positive(value, name) },
                "--seed" => options with { Seed = NonNegative(value, name) },
                "--data" => options with { Data = value },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        foreach (string model in options.Models)
            if (!KnownModels.Contains(model))
                throw new ArgumentException($"Unknown model '{model}'. Valid models: {string.Join(", ", KnownModels)}.");
        return options;
    }

    /// <summary>The options a child needs to repeat this configuration for one model, engine and thread count.</summary>
    public List<string> ChildArguments(string model, string engine, int threads)
    {
        var args = new List<string>
        {
            "--child", "--model", model, "--engines", engine, "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--repeat", Str(Repeat), "--warmup", Str(Warmup), "--seed", Str(Seed),
        };
        if (AllocSteps is int allocSteps) args.AddRange(["--alloc-steps", Str(allocSteps)]);
        if (Batches is int batches) args.AddRange(["--batches", Str(batches)]);
        else if (EpochsFraction is double fraction) args.AddRange(["--epochs-fraction", fraction.ToString("R", CultureInfo.InvariantCulture)]);
        if (BatchSize is int batchSize) args.AddRange(["--batch-size", Str(batchSize)]);
        if (TestImages is int testImages) args.AddRange(["--test-images", Str(testImages)]);
        if (Data is not null) args.AddRange(["--data", Data]);
        return args;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static List<T> List<T>(string value, string name, Func<string, T> parse)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw new ArgumentException($"Option {name} needs at least one value, got '{value}'.");
        return items.Select(parse).ToList();
    }

    private static int Positive(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"Option {name} needs a positive whole number, got '{value}'.");

    private static int NonNegative(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0
            ? n : throw new ArgumentException($"Option {name} needs a whole number of at least 0, got '{value}'.");

    private static double Fraction(string value, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 && double.IsFinite(f)
            ? f : throw new ArgumentException($"Option {name} needs a positive number, got '{value}'.");
}

/// <summary>The engine names used on the command line and in the table.</summary>
public static class Engine
{
    /// <summary>This project's engine.</summary>
    public const string ScratchNet = "scratchnet";

    /// <summary>PyTorch's CPU engine (libtorch) through TorchSharp.</summary>
    public const string TorchSharp = "torchsharp";

    /// <summary>The canonical name of <paramref name="name"/>.</summary>
    public static string Normalize(string name) => name.ToLowerInvariant() switch
    {
        "scratchnet" or "sn" => ScratchNet,
        "torchsharp" or "torch" or "libtorch" => TorchSharp,
        _ => throw new ArgumentException($"Unknown engine '{name}'. Valid engines: {ScratchNet}, {TorchSharp}."),
    };
}
