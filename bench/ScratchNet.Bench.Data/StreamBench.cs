using System.Diagnostics;
using ScratchNet.Data;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Bench.Data;

/// <summary>
/// Trains a preset on an export for a fixed number of batches, with the training set decoded in memory or streamed
/// (<see cref="StreamingImageSet"/>), and prints images/s after warm-up and the process's peak working set. One
/// configuration per process, so that the peak is its own.
/// </summary>
internal static class StreamBench
{
    private const int WarmUpBatches = 5;

    public static int Run(string path, bool streamed, string model, int batches, int batchSize, int threads)
    {
        var clock = Stopwatch.StartNew();
        TrainTestSources data = DataSources.Open(path, options: new DataSourceOptions { Threads = threads });
        IBatchSource train;
        if (streamed)
        {
            Standardizer standardizer = ChannelStatistics.Measure(data.Train, threads).ToStandardizer();
            train = new StreamingImageSet(data.Train, standardizer, readerThreads: threads, prefetchBatches: 4);
        }
        else
        {
            ImageDataset raw = data.Train.ToDataset(threads);
            train = Standardizer.Fit(raw.Images).Apply(raw);
        }
        double prepared = clock.Elapsed.TotalSeconds;

        NeuralNetwork network = ModelPreset.Find(model).CreateNetwork(seed: 1, classes: train.ClassNames.Count);
        network.Threads = threads;
        var trainer = new Trainer(network, new Adam());
        using var stop = new CancellationTokenSource();
        var timer = new Stopwatch();
        trainer.BatchCompleted += progress =>
        {
            if (progress.Batch == WarmUpBatches) timer.Start();
            if (progress.Batch == WarmUpBatches + batches) { timer.Stop(); stop.Cancel(); }
        };
        trainer.Fit(train, train, new TrainingOptions { Epochs = 1, BatchSize = batchSize, Seed = 1 }, stop.Token);

        double imagesPerSecond = batches * (double)batchSize / timer.Elapsed.TotalSeconds;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine($"{(streamed ? "streamed " : "in memory")}  {train.Count,8:N0} training images  prepared in {prepared,6:F1} s  " +
                          $"{model} {imagesPerSecond,7:N0} images/s ({batches} batches of {batchSize}, {threads} threads)  peak working set {peak / (1 << 20),6:N0} MiB");
        return 0;
    }
}
