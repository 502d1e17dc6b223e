using System.Diagnostics;
using System.Globalization;
using ScratchNet.Data;
using ScratchNet.Distributed;
using ScratchNet.Models;
using ScratchNet.Mpi;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Bench.Scaling;

/// <summary>
/// One measurement: trains a preset with its batch size and optimizer on random 1×28×28 images (speed does not depend
/// on the pixels) for --warmup then --batches steps, alone or as one rank under mpirun, and rank 0 prints one JSON line.
/// </summary>
internal static class ScalingWorker
{
    public static int Run(BenchArguments a)
    {
        string model = a.Text("model", "fashion-cnn");
        int threads = a.Int("threads", 1), batches = a.Int("batches", 20), warmup = a.Int("warmup", 3);
        using MpiWorld? world = MpiLaunch.OpenMpiSize() is null ? null : MpiWorld.Start();
        var workers = new TimedWorkers(world ?? (IWorkerGroup)SingleWorker.Instance);

        ModelPreset preset = ModelPreset.Find(model);
        int batch = preset.BatchSize;
        ImageDataset train = RandomImages((warmup + batches) * batch, seed: 1), validation = RandomImages(10, seed: 2);
        NeuralNetwork network = preset.CreateNetwork();
        network.Threads = threads;
        var trainer = new Trainer(network, OptimizerCatalog.Create(preset.Optimizer, preset.LearningRate, preset.Momentum, preset.WeightDecay));

        var clock = new Stopwatch();
        double reduceAtStart = 0, seconds = 0, reduceSeconds = 0;
        trainer.BatchCompleted += p =>
        {
            if (p.Batch == warmup) { clock.Start(); reduceAtStart = workers.ReduceSeconds; }
            if (p.Batch == p.Batches) { seconds = clock.Elapsed.TotalSeconds; reduceSeconds = workers.ReduceSeconds - reduceAtStart; }
        };
        trainer.Fit(train, validation, new TrainingOptions { Epochs = 1, BatchSize = batch, Seed = 1, Workers = workers });

        if (workers.Rank == 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"model\": \"{model}\", \"processes\": {workers.Size}, \"threads\": {threads}, \"batch\": {batch}, \"parameters\": {network.ParameterCount}, " +
                $"\"images_per_second\": {batches * batch / seconds:F1}, \"step_ms\": {1000 * seconds / batches:F2}, \"allreduce_share\": {reduceSeconds / seconds:F4}}}"));
        return 0;
    }

    private static ImageDataset RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        var images = new Tensor(count, 1, 28, 28);
        foreach (ref float v in images.Span) v = (float)random.NextDouble() * 2 - 1;
        return new ImageDataset(images, [.. Enumerable.Range(0, count).Select(i => i % 10)], [.. Enumerable.Range(0, 10).Select(i => $"{i}")]);
    }
}
