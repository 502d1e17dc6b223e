using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ScratchNet.Data;
using ScratchNet.Distributed;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// Before a data-parallel run trains, every worker must see the same data and options and start from the same
/// weights: each describes what it has as lines, rank 0's lines are broadcast, and any worker whose lines differ
/// makes all of them stop, rank 0 listing each difference.
/// </summary>
internal static class WorkerAgreement
{
    /// <summary>Settings allowed to differ between workers: they depend on the machine, not on the model trained.</summary>
    private static readonly HashSet<string> MachineSettings = ["threads", "memory_budget", "data", "test_data"];

    /// <summary>What a worker checks against rank 0: the recorded settings, a fingerprint of the data, of the weights and of the run's state.</summary>
    public static List<string> Describe(TrainSettings s, TrainingData data, NeuralNetwork network, TrainingState? resumed)
    {
        var lines = s.Describe().Where(kv => !MachineSettings.Contains(kv.Key)).Select(kv => $"setting {kv.Key} = {kv.Value}").ToList();
        lines.Add($"training images: {data.Train.Count} of {Tensor.FormatShape([.. data.Train.SampleShape])}, labels {Fingerprint(data.Train.Labels)}" +
                  (data.Train is ImageDataset inMemory ? $", pixels {Fingerprint(inMemory.Images.Span)}" : ""));
        lines.Add($"classes: {string.Join(", ", data.Train.ClassNames)}");
        lines.Add($"validation images: {data.Validation?.Count ?? 0}, test images: {data.Test.Count}, labels {Fingerprint(data.Test.Labels)}, pixels {Fingerprint(data.Test.Images.Span)}");
        lines.Add($"standardisation: {string.Join(" ", data.Train.Standardization?.Mean.Concat(data.Train.Standardization.Std).Select(v => v.ToString("R", CultureInfo.InvariantCulture)) ?? [])}");
        lines.Add($"starting weights: {Fingerprint(network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray())}");
        lines.Add($"starting point: epoch {resumed?.CompletedEpochs ?? 0}, batch {resumed?.BatchesDone ?? 0}");
        return lines;
    }

    /// <summary>
    /// Compares <paramref name="mine"/> with rank 0's lines on every worker; when any worker differs, every worker throws
    /// <see cref="WorkersDisagreeException"/>, whose message (rank 0's) lists each rank's differences.
    /// </summary>
    public static void Require(IWorkerGroup workers, IReadOnlyList<string> mine)
    {
        if (workers.Size == 1) return;
        string[] root = Lines(BroadcastText(workers, 0, workers.Rank == 0 ? string.Join('\n', mine) : ""));
        string differences = string.Join("; ", mine.Zip(root).Where(p => p.First != p.Second)
            .Select(p => $"'{p.First}' where rank 0 has '{p.Second}'"));
        float[] disagreeing = new float[workers.Size];
        disagreeing[workers.Rank] = differences.Length > 0 ? 1 : 0;
        workers.SumInPlace(disagreeing);
        if (!disagreeing.Any(d => d > 0)) return;
        var report = new List<string>();
        for (int rank = 1; rank < workers.Size; rank++) // each disagreeing rank tells rank 0 what differs
            if (disagreeing[rank] > 0)
                report.Add($"rank {rank} has {BroadcastText(workers, rank, workers.Rank == rank ? differences : "")}");
        throw new WorkersDisagreeException(
            $"the {workers.Size} processes do not train the same thing: {string.Join("; and ", report)}. " +
            "Every process must read the same data and be given the same options (and --resume the same checkpoint).");
    }

    private static string[] Lines(string text) => text.Split('\n');

    // The text of worker root on every worker: its length first, then its bytes.
    internal static string BroadcastText(IWorkerGroup workers, int root, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        byte[] length = BitConverter.GetBytes(bytes.Length);
        workers.Broadcast(length, root);
        if (workers.Rank != root) bytes = new byte[BitConverter.ToInt32(length)];
        workers.Broadcast(bytes, root);
        return Encoding.UTF8.GetString(bytes);
    }

    // A 64-bit fingerprint of the values (a multiply-xorshift over their bits): equal values, equal fingerprints.
    private static string Fingerprint<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        ulong hash = 0xCBF29CE484222325UL;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong word in words) hash = (hash ^ word) * 0x100000001B3UL ^ (hash >> 29);
        foreach (byte tail in bytes[(words.Length * 8)..]) hash = (hash ^ tail) * 0x100000001B3UL;
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static string Fingerprint(IReadOnlyList<int> labels) => Fingerprint<int>(labels.ToArray());
}

/// <summary>The workers of a data-parallel run were not given the same data, options or starting point.</summary>
internal sealed class WorkersDisagreeException(string message) : Exception(message);
