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
        if (Preset is not null) return Preset.CreateNetwork(Init, Seed);
        string json;
        try
        {
            json = File.ReadAllText(SpecPath!);
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
        ["lr"] = LearningRate.ToString("R"),
        ["momentum"] = Momentum.ToString("R"),
        ["weight_decay"] = WeightDecay.ToString("R"),
        ["schedule"] = Schedule,
        ["final_lr"] = FinalLearningRate.ToString("R"),
        ["warmup_epochs"] = WarmupEpochs.ToString(),
        ["init"] = Init.ToString().ToLowerInvariant(),
        ["seed"] = Seed.ToString(),
        ["limit"] = Limit?.ToString() ?? "",
        ["validation"] = Validation?.ToString() ?? "",
        ["patience"] = Patience?.ToString() ?? "",
        ["augment"] = Augment ? "true" : "false",
        ["threads"] = Threads.ToString(),
    };
}
