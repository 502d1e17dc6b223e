using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>Everything `scratchnet train` was asked to do, after defaults from the preset were filled in.</summary>
internal sealed record TrainSettings(
    string ModelName, ModelPreset? Preset, string? SpecPath, int Epochs, int BatchSize, string Optimizer, float LearningRate,
    float Momentum, float WeightDecay, string Schedule, float FinalLearningRate, int WarmupEpochs, WeightInit Init, int Seed,
    string? Data, int? Limit, int? Validation, int? Patience, bool Augment, int EvalEvery, int Threads, string? Metrics, string? Out)
{
    /// <summary>Creates the untrained network: the preset's layers, or those of the specification file.</summary>
    public NeuralNetwork CreateNetwork()
    {
        if (Preset is not null) return Preset.CreateNetwork(Init, Seed, Augment);
        string json;
        try
        {
            json = CliSupport.ReadSpec(SpecPath!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the model specification {SpecPath}: {e.Message}");
        }
        var (layers, loss) = ModelSpec.Parse(json, SpecPath!);
        foreach (Layer layer in layers) layer.WeightInit = Init;
        return new NeuralNetwork(layers, loss, Seed);
    }

    /// <summary>The settings as text, for the model file and the report.</summary>
    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["model"] = ModelName,
        ["epochs"] = Epochs.ToString(),
        ["batch_size"] = BatchSize.ToString(),
        ["optimizer"] = Optimizer,
        ["lr"] = LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["momentum"] = Momentum.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["weight_decay"] = WeightDecay.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["schedule"] = Schedule,
        ["final_lr"] = FinalLearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["warmup_epochs"] = WarmupEpochs.ToString(),
        ["init"] = Init.ToString().ToLowerInvariant(),
        ["seed"] = Seed.ToString(),
        ["limit"] = Limit?.ToString() ?? "",
        ["validation"] = Validation?.ToString() ?? "",
        ["patience"] = Patience?.ToString() ?? "",
        ["augment"] = Augment ? "true" : "false",
        ["threads"] = Threads.ToString(),
        ["eval_every"] = EvalEvery.ToString(),
        ["data"] = Data ?? "",
        ["spec"] = SpecPath ?? "",
    };

    /// <summary>The settings a checkpoint recorded with <see cref="Describe"/>, writing into <paramref name="outDirectory"/>.</summary>
    public static TrainSettings FromDescription(IReadOnlyDictionary<string, string> d, string outDirectory, string? metrics)
    {
        string Get(string key) => d.TryGetValue(key, out string? v) ? v
            : throw new UsageException($"the checkpoint in {outDirectory} lacks the setting '{key}'; it was written by another version. Start a new run.");
        int? OptionalInt(string key) => Get(key) is { Length: > 0 } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;
        float Float(string key) => float.Parse(Get(key), System.Globalization.CultureInfo.InvariantCulture);
        string model = Get("model");
        return new TrainSettings(
            model, ModelPreset.All.FirstOrDefault(p => p.Name == model), Get("spec") is { Length: > 0 } spec ? spec : null,
            OptionalInt("epochs")!.Value, OptionalInt("batch_size")!.Value, Get("optimizer"), Float("lr"), Float("momentum"),
            Float("weight_decay"), Get("schedule"), Float("final_lr"), OptionalInt("warmup_epochs")!.Value,
            Enum.Parse<WeightInit>(Get("init"), ignoreCase: true), OptionalInt("seed")!.Value,
            Get("data") is { Length: > 0 } data ? data : null, OptionalInt("limit"), OptionalInt("validation"), OptionalInt("patience"),
            Get("augment") == "true", OptionalInt("eval_every")!.Value, OptionalInt("threads")!.Value, metrics, outDirectory);
    }
}
