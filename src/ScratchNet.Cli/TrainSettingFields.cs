using System.Globalization;
using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;

namespace ScratchNet.Cli;

/// <summary>
/// The one table between <see cref="TrainSettings"/> and the settings recorded in model files and checkpoints:
/// each field's name, how it is written, and how it is read back and checked. Describing and reading use the
/// same rows, so a setting cannot be written without being read again on <c>--resume</c>.
/// </summary>
internal static class TrainSettingFields
{
    /// <summary>
    /// One recorded setting: its name, its text, and the settings with it read from text (null: the text is not <see cref="Expected"/>).
    /// An <see cref="Optional"/> one may be missing (files written before it existed): the setting keeps its default.
    /// </summary>
    internal sealed record Field(string Name, string Expected, Func<TrainSettings, string> Write, Func<TrainSettings, string, TrainSettings?> Read, bool Optional = false);

    /// <summary>Every recorded setting, in the order the report lists them.</summary>
    public static IReadOnlyList<Field> All { get; } =
    [
        new("model", "a model name", s => s.ModelName, (s, v) => v.Length > 0 ? s with { ModelName = v } : null),
        Int("epochs", 1, s => s.Epochs, (s, v) => s with { Epochs = v }),
        Int("batch_size", 1, s => s.BatchSize, (s, v) => s with { BatchSize = v }, max: TrainOptions.MaxBatchSize),
        OneOf("optimizer", OptimizerCatalog.Optimizers, s => s.Optimizer, (s, v) => s with { Optimizer = v }),
        Float("lr", "a positive finite number", s => s.LearningRate, (s, v) => v > 0 ? s with { LearningRate = v } : null),
        Float("momentum", "a number in [0, 1)", s => s.Momentum, (s, v) => v is >= 0 and < 1 ? s with { Momentum = v } : null),
        Float("weight_decay", "a number in [0, 1)", s => s.WeightDecay, (s, v) => v is >= 0 and < 1 ? s with { WeightDecay = v } : null),
        OneOf("schedule", OptimizerCatalog.Schedules, s => s.Schedule, (s, v) => s with { Schedule = v }),
        Float("final_lr", "a finite number of at least 0", s => s.FinalLearningRate, (s, v) => v >= 0 ? s with { FinalLearningRate = v } : null),
        Int("warmup_epochs", 0, s => s.WarmupEpochs, (s, v) => s with { WarmupEpochs = v }),
        OneOf("init", Enum.GetNames<WeightInit>().Select(n => n.ToLowerInvariant()).ToArray(), s => s.Init.ToString().ToLowerInvariant(),
            (s, v) => s with { Init = Enum.Parse<WeightInit>(v, ignoreCase: true) }),
        Int("seed", int.MinValue, s => s.Seed, (s, v) => s with { Seed = v }),
        OptionalInt("limit", s => s.Limit, (s, v) => s with { Limit = v }),
        OptionalInt("validation", s => s.Validation, (s, v) => s with { Validation = v }),
        OptionalInt("patience", s => s.Patience, (s, v) => s with { Patience = v }),
        OneOf("augment", ["true", "false"], s => s.Augment ? "true" : "false", (s, v) => s with { Augment = v == "true" }),
        Int("threads", 1, s => s.Threads, (s, v) => s with { Threads = v }, max: Kernels.ComputeContext.MaxThreads),
        Int("eval_every", 1, s => s.EvalEvery, (s, v) => s with { EvalEvery = v }),
        new("data", "a folder or file, or empty", s => s.Data.Data ?? "", (s, v) => s with { Data = s.Data with { Data = v.Length > 0 ? v : null } }),
        new("test_data", "a folder or file, or empty", s => s.Data.TestData ?? "", (s, v) => s with { Data = s.Data with { TestData = v.Length > 0 ? v : null } }, Optional: true),
        new("image_size", "H,W, or empty", s => s.Data.ImageSize is (int h, int w) ? $"{h},{w}" : "",
            (s, v) => v.Length == 0 ? s : DataOptions.TryParseImageSize(v) is { } size ? s with { Data = s.Data with { ImageSize = size } } : null, Optional: true),
        new("channels", "1, 3, or empty", s => s.Data.Channels?.ToString(CultureInfo.InvariantCulture) ?? "",
            (s, v) => v switch { "" => s, "1" or "3" => s with { Data = s.Data with { Channels = v == "1" ? 1 : 3 } }, _ => null }, Optional: true),
        new("test_fraction", "a number between 0 and 1, or empty", s => s.Data.TestFraction?.ToString("R", CultureInfo.InvariantCulture) ?? "",
            (s, v) => v.Length == 0 ? s
                : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is > 0 and < 1 ? s with { Data = s.Data with { TestFraction = f } } : null,
            Optional: true),
        OneOf("skip_bad_images", ["true", "false"], s => s.Data.SkipBadImages ? "true" : "false",
            (s, v) => s with { Data = s.Data with { SkipBadImages = v == "true" } }) with { Optional = true },
        new("memory_budget", "a number of bytes, or empty", s => s.MemoryBudget?.ToString(CultureInfo.InvariantCulture) ?? "",
            (s, v) => v.Length == 0 ? s with { MemoryBudget = null }
                : long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) && bytes > 0 ? s with { MemoryBudget = bytes } : null,
            Optional: true),
        new("spec", "a file, or empty", s => s.SpecPath ?? "", (s, v) => s with { SpecPath = v.Length > 0 ? v : null }),
        new("init_from", "a file, or empty", s => s.InitFrom ?? "", (s, v) => s with { InitFrom = v.Length > 0 ? v : null }, Optional: true),
        Float("label_smoothing", "a number in [0, 1)", s => s.LabelSmoothing, (s, v) => v is >= 0 and < 1 ? s with { LabelSmoothing = v } : null) with { Optional = true },
    ];

    /// <summary>The settings as text, one entry per field.</summary>
    public static IReadOnlyDictionary<string, string> Describe(TrainSettings settings)
    {
        var description = new Dictionary<string, string>();
        foreach (Field field in All) description[field.Name] = field.Write(settings);
        return description;
    }

    /// <summary>Reads back what <see cref="Describe"/> wrote into <paramref name="file"/>; the preset is looked up by its name.</summary>
    /// <exception cref="ModelFileException">A field is missing or does not parse; the message names the field and the file.</exception>
    public static TrainSettings Read(IReadOnlyDictionary<string, string> description, string file)
    {
        var settings = new TrainSettings();
        foreach (Field field in All)
        {
            if (!description.TryGetValue(field.Name, out string? text))
            {
                if (field.Optional) continue;
                throw Problem(file, $"its training setting '{field.Name}' is missing");
            }
            settings = field.Read(settings, text) ?? throw Problem(file, $"its training setting '{field.Name}' is '{text}', not {field.Expected}");
        }
        if (settings.SpecPath is not null || settings.InitFrom is not null) return settings;
        try
        {
            return settings with { Preset = ModelPreset.Find(settings.ModelName) };
        }
        catch (ArgumentException e)
        {
            throw Problem(file, $"its training setting 'model' names no preset ({e.Message})");
        }
    }

    private static ModelFileException Problem(string file, string problem) =>
        new(file, $"{problem}; it was damaged, or written by another version of ScratchNet. Start a new run.");

    private static Field Int(string name, int min, Func<TrainSettings, int> get, Func<TrainSettings, int, TrainSettings> set, int max = int.MaxValue) =>
        new(name, min == int.MinValue ? "a whole number" : max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}",
            s => get(s).ToString(CultureInfo.InvariantCulture),
            (s, v) => int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max ? set(s, n) : null);

    private static Field OptionalInt(string name, Func<TrainSettings, int?> get, Func<TrainSettings, int?, TrainSettings> set) =>
        new(name, "a whole number of at least 1, or empty", s => get(s)?.ToString(CultureInfo.InvariantCulture) ?? "",
            (s, v) => v.Length == 0 ? set(s, null)
                : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? set(s, n) : null);

    // Written with "R", so that reading gives back the very same float.
    private static Field Float(string name, string expected, Func<TrainSettings, float> get, Func<TrainSettings, float, TrainSettings?> set) =>
        new(name, expected, s => get(s).ToString("R", CultureInfo.InvariantCulture),
            (s, v) => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) && float.IsFinite(x) ? set(s, x) : null);

    private static Field OneOf(string name, IReadOnlyList<string> allowed, Func<TrainSettings, string> get, Func<TrainSettings, string, TrainSettings> set) =>
        new(name, $"one of {string.Join(", ", allowed)}", get, (s, v) => allowed.Contains(v) ? set(s, v) : null);
}
