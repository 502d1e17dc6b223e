using System.Text.Json;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Serialization;

/// <summary>
/// A training checkpoint: a model file (see <see cref="ModelFile"/>) that also carries the optimizer's
/// state (tensors "optimizer.*"), the best weights so far ("best.*") and, in the metadata entry
/// "checkpoint", the <see cref="TrainingState"/> (epochs done, history, model-selection figures).
/// Written atomically at the end of every epoch and when a run is interrupted (then mid-epoch, with the
/// batches done), so a crash at any moment leaves the previous one intact; resuming from it repeats exactly
/// what the uninterrupted run would have done.
/// </summary>
public static class Checkpoint
{
    private const string OptimizerPrefix = "optimizer.", BestPrefix = "best.";

    /// <summary>Writes a checkpoint of <paramref name="network"/>, <paramref name="optimizer"/> and <paramref name="state"/>.</summary>
    public static void Save(string path, NeuralNetwork network, Optimizer optimizer, TrainingState state, IReadOnlyDictionary<string, string> settings)
    {
        var extras = new List<(string Name, Tensor Value)>();
        foreach (var (name, values) in optimizer.State) extras.Add((OptimizerPrefix + name, new Tensor(values, values.Length)));
        for (int i = 0; i < state.BestWeights.Count; i++) extras.Add(($"{BestPrefix}{i}", new Tensor(state.BestWeights[i], state.BestWeights[i].Length)));
        var record = new CheckpointRecord(state.CompletedEpochs, state.History.ToArray(), state.BestAccuracy, state.BestLoss,
            state.EvaluationsWithoutImprovement, state.StoppedEarly, state.BatchesDone,
            state.Partial.LossSum, state.Partial.Correct, state.Partial.Images, state.Partial.Seconds);
        ModelFile.Write(network, path, settings, extras, new Dictionary<string, string> { ["checkpoint"] = JsonSerializer.Serialize(record, ModelFile.Json) });
    }

    /// <summary>Reads a checkpoint: the network, the optimizer state to hand to <see cref="Optimizer.LoadState"/>, the training state and the settings.</summary>
    /// <exception cref="ModelFileException">The file is not a readable checkpoint.</exception>
    public static (NeuralNetwork Network, IReadOnlyDictionary<string, float[]> OptimizerState, TrainingState State, IReadOnlyDictionary<string, string> Settings) Load(string path)
    {
        var (network, metadata, extras) = ModelFile.Read(path, IsState);
        if (!metadata.TryGetValue("checkpoint", out string? json))
            throw new ModelFileException(path, "it is a model file, not a checkpoint (it has no 'checkpoint' metadata).");
        var record = ModelFile.ParseJson<CheckpointRecord>(path, "checkpoint", json);
        // Counts that are negative or a history that is missing come only from a damaged or hand-made file.
        if (record.History is null || record.History.Any(e => e is null))
            throw new ModelFileException(path, "its 'checkpoint' metadata has no History list (or a null entry in it); it was not written by ScratchNet.");
        if (record.CompletedEpochs < 0 || record.BatchesDone < 0 || record.EvaluationsWithoutImprovement < 0)
            throw new ModelFileException(path, $"its 'checkpoint' metadata holds a negative count ({record.CompletedEpochs} completed epochs, " +
                $"{record.BatchesDone} batches done, {record.EvaluationsWithoutImprovement} evaluations without improvement).");
        var state = new TrainingState
        {
            CompletedEpochs = record.CompletedEpochs, BestAccuracy = record.BestAccuracy, BestLoss = record.BestLoss,
            EvaluationsWithoutImprovement = record.EvaluationsWithoutImprovement, StoppedEarly = record.StoppedEarly,
            BatchesDone = record.BatchesDone, Partial = (record.PartialLoss, record.PartialCorrect, record.PartialImages, record.PartialSeconds),
        };
        state.History.AddRange(record.History);
        for (int i = 0; extras.TryGetValue($"{BestPrefix}{i}", out Tensor? best); i++) state.BestWeights.Add(best.Span.ToArray());
        var optimizerState = extras.Where(e => e.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key[OptimizerPrefix.Length..], e => e.Value.Span.ToArray());
        var settings = metadata.TryGetValue("training", out string? s)
            ? ModelFile.ParseJson<Dictionary<string, string>>(path, "training", s)
            : new Dictionary<string, string>();
        return (network, optimizerState, state, settings);
    }

    /// <summary>
    /// Reads the model a file holds, a model file or a checkpoint: a checkpoint's network is its weights as of
    /// its last completed epoch; its optimizer state and best weights are ignored. As strict as <see cref="ModelFile.Load"/> otherwise.
    /// </summary>
    /// <exception cref="ModelFileException">The file is unreadable, corrupt, or does not match its architecture.</exception>
    public static NeuralNetwork LoadModel(string path)
    {
        var (network, metadata, extras) = ModelFile.Read(path, IsState);
        if (extras.Count > 0 && !metadata.ContainsKey("checkpoint"))
            throw new ModelFileException(path, $"its weights do not match its architecture: {string.Join("; ", extras.Keys.Order().Select(k => $"unexpected '{k}'"))}.");
        return network;
    }

    // Tensors a checkpoint holds besides the model's own.
    private static bool IsState(string name) => name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) || name.StartsWith(BestPrefix, StringComparison.Ordinal);

    private sealed record CheckpointRecord(
        int CompletedEpochs, EpochResult[] History, double BestAccuracy, double BestLoss, int EvaluationsWithoutImprovement, bool StoppedEarly,
        int BatchesDone, double PartialLoss, int PartialCorrect, int PartialImages, double PartialSeconds);
}
