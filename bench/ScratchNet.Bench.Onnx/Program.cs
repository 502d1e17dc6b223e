using System.Diagnostics;
using System.Globalization;
using ScratchNet.Data;
using ScratchNet.Models;
using ScratchNet.Onnx;
using ScratchNet.Training;

namespace ScratchNet.Bench.Onnx;

/// <summary>
/// Inference speed, ScratchNet against ONNX Runtime's CPU provider, in one run: for each model (seed-cnn, fashion-cnn,
/// fashion-resnet), exported to ONNX once and run by both engines on the same standardised Fashion-MNIST test images,
/// at each thread count: batch-1 latency (median and p99 over --latency-images single images) and batch-256
/// throughput (best of --passes passes over --images images). Prints one table with the ratios.
/// Options: --models a,b --threads 1,2 --images N --latency-images N --passes N --warmup N --batch N; --profile prints
/// instead, per model and thread count, where each engine spends a throughput pass, layer by layer (<see cref="LayerProfile"/>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var options = Options.Parse(args);
        var test = IdxDatasetLoader.LoadFolder(DataLocator.DefaultDirectory).Test;
        Standardizer standardizer = Standardizer.Fit(test.Images);
        int[] sample = test.Images.Shape[1..].ToArray();
        int sampleLength = test.Images.SampleLength, count = Math.Min(options.Images, test.Count);
        float[] images = test.Images.Span[..(count * sampleLength)].ToArray();
        standardizer.ApplyInPlace(images, sample[1] * sample[2]);

        Console.WriteLine($"{count:N0} test images, batch {options.Batch} for throughput (best of {options.Passes}), {options.LatencyImages:N0} single images for latency, {Environment.ProcessorCount} cores, load {Load()}");
        var rows = new List<string[]>();
        foreach (string name in options.Models)
        {
            NeuralNetwork network = ModelPreset.Find(name).CreateNetwork(seed: 1);
            network.Build(sample);
            using var stream = new MemoryStream();
            OnnxExporter.Export(network, stream, new OnnxExportOptions { IncludeNormalization = false });   // both take standardised images
            byte[] model = stream.ToArray();
            foreach (int threads in options.Threads)
            {
                if (options.Profile)
                {
                    LayerProfile.Run(name, network, model, sample, threads, images, count, options.Batch);
                    continue;
                }
                using IInferenceEngine scratch = new ScratchNetEngine(network, sample, threads);
                using IInferenceEngine onnx = new OnnxRuntimeEngine(model, sample, threads);
                var a = Measure(scratch, images, count, sampleLength, options);
                var b = Measure(onnx, images, count, sampleLength, options);
                rows.Add([name, threads.ToString(), F(a.Median), F(b.Median), F(a.P99), F(b.P99), a.Throughput.ToString("N0"), b.Throughput.ToString("N0"),
                          (a.Throughput / b.Throughput).ToString("F2", CultureInfo.InvariantCulture) + "×", (b.Median / a.Median).ToString("F2", CultureInfo.InvariantCulture) + "×"]);
            }
        }
        if (options.Profile) return 0;
        Console.WriteLine();
        Console.Write(Table.Format(["model", "threads", "SN median ms", "ORT median ms", "SN p99 ms", "ORT p99 ms", "SN images/s", "ORT images/s", "throughput SN/ORT", "latency ORT/SN"], rows));
        Console.WriteLine("SN = ScratchNet (NeuralNetwork.Infer), ORT = ONNX Runtime CPU provider; ratios above 1 favour ScratchNet.");
        return 0;
    }

    private static (double Median, double P99, double Throughput) Measure(IInferenceEngine engine, float[] images, int count, int sampleLength, Options options)
    {
        var one = new float[sampleLength];
        float sink = 0;
        // At least --warmup images and a second: .NET compiles hot methods again, optimised, only after they have run
        // for a while (tiered compilation), and the first model measured would otherwise pay for it in its latencies.
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < options.Warmup || Stopwatch.GetElapsedTime(warmupStart).TotalSeconds < 1; i++)
        {
            Array.Copy(images, (i % count) * sampleLength, one, 0, sampleLength);
            sink += engine.Run(one, 1);
        }
        var latencies = new double[options.LatencyImages];
        for (int i = 0; i < latencies.Length; i++)
        {
            Array.Copy(images, (i % count) * sampleLength, one, 0, sampleLength);
            long start = Stopwatch.GetTimestamp();
            sink += engine.Run(one, 1);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(latencies);
        var batch = new float[options.Batch * sampleLength];
        sink += engine.Run(Fill(batch, images, 0, Math.Min(options.Batch, count), sampleLength), Math.Min(options.Batch, count));   // warm-up at this size
        double best = double.MaxValue;
        for (int pass = 0; pass < options.Passes; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int first = 0; first < count; first += options.Batch)
            {
                int n = Math.Min(options.Batch, count - first);
                sink += engine.Run(Fill(batch, images, first, n, sampleLength), n);
            }
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        if (float.IsNaN(sink)) Console.WriteLine("(a NaN output)");
        return (Percentile(latencies, 0.5), Percentile(latencies, 0.99), count / best);
    }

    private static float[] Fill(float[] batch, float[] images, int first, int n, int sampleLength)
    {
        Array.Copy(images, first * sampleLength, batch, 0, n * sampleLength);
        return batch;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string F(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture);

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
