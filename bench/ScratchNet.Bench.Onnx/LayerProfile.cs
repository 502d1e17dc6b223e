using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Bench.Onnx;

/// <summary>
/// <c>--profile</c>: where each engine spends a batch-256 pass over the test images, layer by layer. ScratchNet's side is
/// an <see cref="OperationProfile"/> (each operation's time, summed into the layer that owns it); ONNX Runtime's is its
/// own profiler (each node's kernel time, summed by the layer path in the node's name, "/3/body/0/Conv" → 3.body.0).
/// ONNX Runtime fuses nodes (a batch norm into the convolution before it, an activation into it), so its time for a
/// folded layer shows under the layer it was folded into, and the folded one reads 0.
/// </summary>
internal static class LayerProfile
{
    public static void Run(string model, NeuralNetwork network, byte[] onnx, int[] sample, int threads, float[] images, int count, int batch)
    {
        int sampleLength = images.Length / count;
        var paths = OperationPaths(network);

        // ScratchNet: one pass to warm up, one recorded.
        network.Threads = threads;
        Pass((x, n) => network.Infer(new Tensor(x, [n, .. sample])), images, count, batch, sampleLength);
        var scratch = new Dictionary<string, double>();
        var byOperation = new Dictionary<string, double>();
        double scratchTotal;
        using (var profile = OperationProfile.Record())
        {
            scratchTotal = Pass((x, n) => network.Infer(new Tensor(x, [n, .. sample])), images, count, batch, sampleLength);
            foreach (var entry in profile.Entries)
            {
                Add(scratch, paths.GetValueOrDefault(entry.Operation, "?"), entry.Forward.TotalMilliseconds);
                Add(byOperation, entry.Operation.Name, entry.Forward.TotalMilliseconds);
            }
        }

        // ONNX Runtime: the profile covers every run of the session, so the warm-up pass is cut off by its timestamps.
        var (ort, ortTotal, kernels) = OnnxRuntimeProfile(onnx, sample, threads, images, count, batch, sampleLength);

        double perThousand = 1000.0 / count;
        Console.WriteLine();
        Console.WriteLine($"{model}, {threads} thread(s), batch {batch}: ms per 1,000 images (wall clock of the pass: ScratchNet {scratchTotal * perThousand:F2}, ONNX Runtime {ortTotal * perThousand:F2})");
        var rows = new List<string[]>();
        foreach (string path in scratch.Keys.Union(ort.Keys).OrderBy(p => p, PathOrder.Instance))
        {
            double a = scratch.GetValueOrDefault(path), b = ort.GetValueOrDefault(path);
            rows.Add([path, LayerKind(network, path), F(a * perThousand), Share(a, scratch.Values.Sum()), F(b * perThousand), Share(b, ort.Values.Sum()),
                      b > 0 ? (a / b).ToString("F2", CultureInfo.InvariantCulture) + "×" : "—", kernels.GetValueOrDefault(path, "")]);
        }
        rows.Add(["all", "", F(scratch.Values.Sum() * perThousand), "100%", F(ort.Values.Sum() * perThousand), "100%",
                  (scratch.Values.Sum() / ort.Values.Sum()).ToString("F2", CultureInfo.InvariantCulture) + "×", ""]);
        Console.Write(Table.Format(["layer", "kind", "SN ms", "SN share", "ORT ms", "ORT share", "SN/ORT time", "ORT kernels"], rows));
        Console.WriteLine("ScratchNet by operation:");
        Console.Write(Table.Format(["operation", "", "ms", "share"], byOperation.OrderByDescending(o => o.Value)
            .Select(o => new[] { o.Key, "", F(o.Value * perThousand), Share(o.Value, scratch.Values.Sum()) }).ToList()));
    }

    // Milliseconds for one pass over the images in batches.
    private static double Pass(Action<float[], int> run, float[] images, int count, int batch, int sampleLength)
    {
        var buffer = new float[batch * sampleLength];
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int first = 0; first < count; first += batch)
        {
            int n = Math.Min(batch, count - first);
            Array.Copy(images, first * sampleLength, buffer, 0, n * sampleLength);
            run(buffer, n);
        }
        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static (Dictionary<string, double> Times, double Total, Dictionary<string, string> Kernels) OnnxRuntimeProfile(
        byte[] onnx, int[] sample, int threads, float[] images, int count, int batch, int sampleLength)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"scratchnet-ort-profile-{Environment.ProcessId}");
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, EnableProfiling = true, ProfileOutputPathPrefix = prefix,
        };
        using var session = new InferenceSession(onnx, options);
        long[] shape = [0, .. sample.Select(d => (long)d)];
        void Run(float[] x, int n)
        {
            shape[0] = n;
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, x.AsMemory(0, n * sampleLength), shape);
            using var outputs = session.Run(new RunOptions(), ["input"], [input], session.OutputNames);
        }
        Pass(Run, images, count, batch, sampleLength);
        int warmupRuns = (count + batch - 1) / batch;
        double total = Pass(Run, images, count, batch, sampleLength);
        string file = session.EndProfiling();
        try
        {
            return Parse(file, warmupRuns, total);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Sums the "Node" events' durations (µs) by layer path, skipping everything before the first measured run.
    private static (Dictionary<string, double>, double, Dictionary<string, string>) Parse(string file, int warmupRuns, double total)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var events = json.RootElement.EnumerateArray().ToList();
        var runStarts = events.Where(e => e.GetProperty("name").GetString() == "model_run").Select(e => e.GetProperty("ts").GetInt64()).Order().ToList();
        long from = runStarts.Count > warmupRuns ? runStarts[warmupRuns] : 0;
        var times = new Dictionary<string, double>();
        var kernels = new Dictionary<string, SortedSet<string>>();
        foreach (var e in events)
        {
            if (e.GetProperty("cat").GetString() != "Node" || e.GetProperty("ts").GetInt64() < from) continue;
            string name = e.GetProperty("name").GetString() ?? "";
            if (!name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            string path = LayerPathOf(name);
            Add(times, path, e.GetProperty("dur").GetInt64() / 1000.0);
            if (e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var op))
                (kernels.TryGetValue(path, out var set) ? set : kernels[path] = []).Add(op.GetString() ?? "");
        }
        return (times, total, kernels.ToDictionary(k => k.Key, k => string.Join("+", k.Value)));
    }

    // "/3/body/0/Conv_kernel_time" → "3.body.0": the path is the name's parts before the first one that is an op type.
    private static string LayerPathOf(string nodeName)
    {
        var parts = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries).TakeWhile(p => !char.IsUpper(p[0])).ToArray();
        return parts.Length == 0 ? "(graph)" : string.Join('.', parts);
    }

    // Every operation of the network → the path of the layer that owns it (a composite's own operations, the sum and the
    // activation after it, belong to the composite).
    private static Dictionary<Operation, string> OperationPaths(NeuralNetwork network)
    {
        var paths = new Dictionary<Operation, string>();
        void Walk(Layer layer, string path)
        {
            foreach (var (childPath, child) in layer.Children) Walk(child, $"{path}.{childPath}");
            foreach (Operation op in layer.Operations) paths.TryAdd(op, path);
        }
        for (int i = 0; i < network.Layers.Count; i++) Walk(network.Layers[i], i.ToString(CultureInfo.InvariantCulture));
        return paths;
    }

    private static string LayerKind(NeuralNetwork network, string path)
    {
        string[] parts = path.Split('.');
        if (!int.TryParse(parts[0], out int index) || index >= network.Layers.Count) return "";
        Layer layer = network.Layers[index];
        string rest = string.Join('.', parts.Skip(1));
        if (rest.Length > 0) layer = layer.Children.FirstOrDefault(c => c.Path == rest).Layer ?? layer;
        return layer.Name;
    }

    private static void Add(Dictionary<string, double> sums, string key, double value) => sums[key] = sums.GetValueOrDefault(key) + value;

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Share(double part, double whole) => whole > 0 ? (part / whole).ToString("P0", CultureInfo.InvariantCulture) : "—";

    // Orders "3.body.10" after "3.body.2": numeric parts as numbers.
    private sealed class PathOrder : IComparer<string>
    {
        public static readonly PathOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            string[] a = (x ?? "").Split('.'), b = (y ?? "").Split('.');
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                int c = int.TryParse(a[i], out int p) && int.TryParse(b[i], out int q) ? p.CompareTo(q) : string.CompareOrdinal(a[i], b[i]);
                if (c != 0) return c;
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
