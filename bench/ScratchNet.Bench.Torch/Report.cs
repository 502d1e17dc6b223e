using System.Globalization;
using System.Text;

namespace ScratchNet.Bench.Torch;

/// <summary>The table the parent prints: Markdown, so it can be pasted into docs/performance.md as it is.</summary>
public static class Report
{
    /// <summary>Prints the machine, the settings and one row per configuration.</summary>
    public static void Print(IReadOnlyList<ChildResult> results, BenchOptions options, DateTime started, string startLoad, string endLoad)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"Machine: {CpuModel()}, {Environment.ProcessorCount} logical CPUs; {started:yyyy-MM-dd HH:mm} UTC; " +
                        $"load average (1/5/15 min) {startLoad} at start, {endLoad} at end");
        text.AppendLine($"Engines: ScratchNet {results.FirstOrDefault(r => r.Engine == Engine.ScratchNet)?.Version ?? "-"}; " +
                        $"{results.FirstOrDefault(r => r.Engine == Engine.TorchSharp)?.Version ?? "TorchSharp -"}; .NET {Environment.Version}");
        // One description per model: with several models the batch sizes (and so the batches per epoch) differ.
        var runs = results.GroupBy(r => r.Model).Select(g => g.First())
            .Select(r => $"{(options.Models.Count > 1 ? r.Model + " " : "")}{r.BatchesPerRun} batches of {r.BatchSize} = {r.BatchesPerRun * r.BatchSize} images");
        text.AppendLine($"Each run: {string.Join("; ", runs)} " +
                        $"(after {options.Warmup} warm-up batches); images/s is the best of {options.Repeat} runs. " +
                        "Both engines start from the same weights and see the same batches.");
        text.AppendLine();
        text.AppendLine("| engine | model | parameters | threads | images/s (best) | all runs | ScratchNet / TorchSharp | peak working set | after data load | test accuracy | managed alloc / step |");
        text.AppendLine("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var twin = results.FirstOrDefault(o => o.Model == r.Model && o.Threads == r.Threads && o.Engine != r.Engine);
            string ratio = "";
            if (twin is not null && r.Engine == Engine.ScratchNet)
                ratio = (r.ImagesPerSecond.Max() / twin.ImagesPerSecond.Max()).ToString("F2", CultureInfo.InvariantCulture) + "×";
            text.AppendLine(
                $"| {r.Engine} | {r.Model} | {r.Parameters:N0} | {r.Threads}{(r.ReportedThreads != r.Threads ? $" (reports {r.ReportedThreads})" : "")} " +
                $"| {r.ImagesPerSecond.Max():F0} | {string.Join(", ", r.ImagesPerSecond.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} " +
                $"| {ratio} | {Mb(r.PeakWorkingSet)} | {Mb(r.WorkingSetAfterLoad)} | {r.TestAccuracy:F4} " +
                $"| {(r.AllocatedBytesPerStep is double bytes ? bytes.ToString("F0", CultureInfo.InvariantCulture) + " B" : "-")} |");
        }
        text.AppendLine();
        text.AppendLine("Ratio > 1: ScratchNet trains faster. Working sets are whole-process peaks (VmHWM) and include the " +
                        "standardised data set both hold (see 'after data load'). Test accuracy is on the " +
                        string.Join(", ", results.Select(r => r.TestImages).Distinct().Select(n => n.ToString("N0", CultureInfo.InvariantCulture))) + " test images " +
                        "after warm-up and all timed runs" +
                        (results.Any(r => r.AllocSteps > 0)
                            ? "; managed allocation counts the .NET heap on all threads (not libtorch's native memory), over " +
                              string.Join(", ", results.Where(r => r.AllocSteps > 0).Select(r => $"{r.AllocSteps} ({r.Model})").Distinct()) + " warm steps."
                            : "."));
        Console.Write(text.ToString());
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):F0} MiB";

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
