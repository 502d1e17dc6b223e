using System.Diagnostics;
using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Models;

namespace ScratchNet.Bench.Torch;

/// <summary>What one child process measured, sent to the parent as one JSON line after <see cref="ChildRun.ResultPrefix"/>.</summary>
public sealed record ChildResult(
    string Engine, string Model, int Threads, int ReportedThreads, string Version,
    long Parameters, int BatchSize, int BatchesPerRun, double[] ImagesPerSecond, double LastRunTrainLoss,
    double TestLoss, double TestAccuracy, int TestImages, int TrainedImages,
    long WorkingSetAfterLoad, long PeakWorkingSet, double? AllocatedBytesPerStep, int AllocSteps);

/// <summary>
/// One configuration in its own process: load and standardise the data, warm up, time
/// <see cref="BenchOptions.Repeat"/> runs of a fixed number of batches, evaluate on the test set,
/// measure allocation per step, and report the process's peak working set.
/// </summary>
public static class ChildRun
{
    /// <summary>Marks the result line on standard output.</summary>
    public const string ResultPrefix = "RESULT ";

    /// <summary>Runs the single model, engine and thread count in <paramref name="options"/>.</summary>
    public static int Run(BenchOptions options)
    {
        string model = options.Models.Single(), engine = options.Engines.Single();
        int threads = options.Threads.Single();
        ModelPreset preset = ModelPreset.Find(model);
        int batchSize = options.BatchSize ?? preset.BatchSize;

        // Load once, standardise in place with the raw training set's statistics (no second copy).
        var (train, test) = IdxDatasetLoader.LoadFolder(DataLocator.Locate(options.Data));
        var standardizer = Standardizer.Fit(train.Images);
        standardizer.ApplyInPlace(train.Images);
        standardizer.ApplyInPlace(test.Images);
        double fraction = options.EpochsFraction ?? BenchOptions.DefaultEpochsFraction(model);
        int batches = options.Batches ?? Math.Max(1, (int)Math.Round(fraction * train.Count / batchSize));
        int allocSteps = options.AllocSteps ?? BenchOptions.DefaultAllocSteps(model);
        GC.Collect();
        long workingSetAfterLoad = CurrentWorkingSet();

        using IEngineSession session = engine == Engine.TorchSharp
            ? CreateTorchSharp(preset, train, threads, options.Seed)
            : new ScratchNetSession(preset, train, threads, options.Seed);
        Log($"{engine} {model}, {threads} thread(s) (engine reports {session.ReportedThreads}); {session.Version}");
        Log($"  parameters: {session.ParameterCount:N0}" + (engine == Engine.TorchSharp ? " (equal to ScratchNet's, checked)" : ""));
        if (session.ReportedThreads != threads)
            Log($"warning: asked for {threads} thread(s) but the engine reports {session.ReportedThreads}");

        // The same seeded order for both engines: identical batches, in the same sequence.
        var stream = new BatchStream(train.Count, batchSize, options.Seed);
        int trainedImages = 0;
        for (int i = 0; i < options.Warmup; i++)
        {
            trainedImages += StepChecked(session, stream, out float loss);
            // The same weights and the same first batch: both engines' first losses should agree closely
            // (exactly up to summation order, or up to the dropout masks where the model has dropout).
            if (i == 0) Log($"  first step: loss {loss:F4}");
        }

        var rates = new double[options.Repeat];
        double lastLoss = 0;
        for (int run = 0; run < options.Repeat; run++)
        {
            double lossSum = 0;
            int images = 0;
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < batches; b++)
            {
                images += StepChecked(session, stream, out float loss);
                lossSum += loss;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            rates[run] = images / seconds;
            trainedImages += images;
            lastLoss = lossSum / batches;
            Log($"  run {run + 1}/{options.Repeat}: {batches} batches of {batchSize} in {seconds:F2} s = {rates[run]:F0} images/s, mean loss {lastLoss:F4}");
        }

        // In training-sized batches, so that evaluation never needs more memory than training and the peak working
        // set is training's: fashion-cnn's activations at 1000 images would double ScratchNet's peak.
        if (options.TestImages is int testImages && testImages < test.Count) test = test.Take(testImages);
        var (testLoss, testAccuracy) = session.Evaluate(test, batchSize);
        Log($"  after {trainedImages} training images: test loss {testLoss:F4}, accuracy {testAccuracy:F4} on {test.Count} test images");

        // Allocation per step once warm (after evaluation's inference passes, warm up again first).
        // Counts managed allocations on all threads; libtorch's native allocations are not included.
        double? bytesPerStep = null;
        if (allocSteps > 0)
        {
            for (int i = 0; i < 20; i++) StepChecked(session, stream, out _);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < allocSteps; i++) StepChecked(session, stream, out _);
            double perStep = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / allocSteps;
            bytesPerStep = perStep;
            Log($"  managed allocation: {perStep:F1} bytes/step over {allocSteps} steps");
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var result = new ChildResult(engine, model, threads, session.ReportedThreads, session.Version, session.ParameterCount, batchSize, batches, rates,
            lastLoss, testLoss, testAccuracy, test.Count, trainedImages, workingSetAfterLoad, process.PeakWorkingSet64, bytesPerStep, allocSteps);
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
        return 0;
    }

    // Kept in its own method so that nothing touches TorchSharp before the ELF patch is in place.
    private static TorchSharpSession CreateTorchSharp(ModelPreset preset, ImageDataset train, int threads, int seed)
    {
        Log(ElfVersionPatch.PrepareTorchSharp());
        return new TorchSharpSession(preset, train, threads, seed);
    }

    private static int StepChecked(IEngineSession session, BatchStream stream, out float loss)
    {
        ReadOnlySpan<int> indices = stream.Next();
        loss = session.Step(indices);
        if (!float.IsFinite(loss)) throw new InvalidOperationException($"The loss became {loss}: training diverged.");
        return indices.Length;
    }

    private static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    private static void Log(string line) => Console.Error.WriteLine(line);
}

/// <summary>Batches of indices in a seeded shuffled order; reshuffles when an epoch runs out.</summary>
public sealed class BatchStream(int count, int batchSize, int seed)
{
    private readonly Random _random = new(seed);
    private readonly int[] _order = Enumerable.Range(0, count).ToArray();
    private int _position = -1; // no order yet: shuffle before the first batch

    /// <summary>The next batch: <c>min(batchSize, count)</c> indices; a partial last batch is skipped.</summary>
    public ReadOnlySpan<int> Next()
    {
        int size = Math.Min(batchSize, count);
        if (_position < 0 || _position + size > count)
        {
            _random.Shuffle(_order);
            _position = 0;
        }
        var batch = _order.AsSpan(_position, size);
        _position += size;
        return batch;
    }
}
