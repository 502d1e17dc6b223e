using System.CommandLine;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary><c>scratchnet train</c>: trains a preset model on an IDX data set and reports loss and accuracy.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model preset: " + string.Join(", ", ModelPreset.All.Select(p => $"{p.Name} ({p.Description})")), DefaultValueFactory = _ => ModelPreset.SeedCnn.Name }
            .OneOf(ModelPreset.All.Select(p => p.Name).ToArray());
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training set (default: the preset's)" }.Positive();
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per gradient step (default: the preset's)" }.Positive();
        var lr = new Option<float?>("--lr") { Description = "Learning rate (default: the preset's; seed-cnn 0.01, the notebook used 0.1)" }.PositiveFinite();
        var momentum = new Option<float?>("--momentum") { Description = "Momentum of SGD, in [0, 1) (default: the preset's, 0.9)" }.InRange(0, 1);
        var init = new Option<string>("--init") { Description = "Weight initialisation: glorot, he, or standard (the notebook's unscaled N(0,1))", DefaultValueFactory = _ => "glorot" }
            .OneOf("glorot", "he", "standard");
        var seed = new Option<int>("--seed") { Description = "Seed for weights and shuffling", DefaultValueFactory = _ => 1 };
        var data = new Option<string?>("--data") { Description = $"Folder with the four IDX files (default: ${DataLocator.EnvironmentVariable}, then {DataLocator.DefaultDirectory})" };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only" }.Positive();
        var evalEvery = new Option<int>("--eval-every") { Description = "Evaluate on the test set every N epochs", DefaultValueFactory = _ => 1 }.Positive();
        var threads = new Option<int>("--threads") { Description = "Threads for the kernels (same seed and threads: same run)", DefaultValueFactory = _ => Environment.ProcessorCount }.Positive();
        var metrics = new Option<string?>("--metrics") { Description = "Write per-epoch figures and the test accuracy to this JSON file" };

        var command = new Command("train", "Train a model on Fashion-MNIST (or any folder of IDX files).\n\nExamples:\n  scratchnet train --model seed-cnn\n  scratchnet train --model seed-cnn --epochs 1 --metrics m.json\n  scratchnet train --model seed-cnn --lr 0.1 --init standard   (the notebook's settings)")
        {
            model, epochs, batchSize, lr, momentum, init, seed, data, limit, evalEvery, threads, metrics,
        };
        command.SetAction(result =>
        {
            ModelPreset preset = ModelPreset.Find(result.GetValue(model)!);
            var settings = new Settings(
                preset,
                result.GetValue(epochs) ?? preset.Epochs,
                result.GetValue(batchSize) ?? preset.BatchSize,
                result.GetValue(lr) ?? preset.LearningRate,
                result.GetValue(momentum) ?? preset.Momentum,
                Enum.Parse<WeightInit>(result.GetValue(init)!, ignoreCase: true),
                result.GetValue(seed),
                result.GetValue(data),
                result.GetValue(limit),
                result.GetValue(evalEvery),
                result.GetValue(threads),
                result.GetValue(metrics));
            return Run(settings);
        });
        return command;
    }

    private sealed record Settings(
        ModelPreset Preset, int Epochs, int BatchSize, float LearningRate, float Momentum, WeightInit Init, int Seed,
        string? Data, int? Limit, int EvalEvery, int Threads, string? Metrics);

    private static int Run(Settings s)
    {
        if (s.Metrics is not null) EnsureWritable(s.Metrics);
        string folder = DataLocator.Locate(s.Data);
        var (rawTrain, rawTest) = IdxDatasetLoader.LoadFolder(folder);
        if (s.Limit is { } limit) rawTrain = rawTrain.Take(limit);

        // Statistics of the raw training images only, applied to both sets and kept with the model.
        Standardizer standardizer = Standardizer.Fit(rawTrain.Images);
        ImageDataset train = standardizer.Apply(rawTrain), test = standardizer.Apply(rawTest);

        NeuralNetwork network = s.Preset.CreateNetwork(s.Init, s.Seed);
        network.Threads = s.Threads;
        network.Normalization = standardizer;
        network.ClassNames = train.ClassNames;
        network.Build(train.ImageShape);
        var optimizer = new SGDMomentum(s.LearningRate, s.Momentum);
        var trainer = new Trainer(network, optimizer);

        Console.WriteLine($"data     {folder}: {train.Count} training and {test.Count} test images of {Tensor.FormatShape(train.ImageShape)}, {train.ClassCount} classes");
        Console.WriteLine($"model    {s.Preset.Name}: {network.ParameterCount:N0} parameters, init {s.Init.ToString().ToLowerInvariant()}, seed {s.Seed}");
        Console.WriteLine($"training {s.Epochs} epochs, batch {s.BatchSize}, SGD lr {s.LearningRate} momentum {s.Momentum}, {s.Threads} threads");
        trainer.EpochCompleted += r => Console.WriteLine(FormatEpoch(r, s.Epochs));

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
            Console.Error.WriteLine("interrupt: finishing the current batch, then stopping (Ctrl-C again to abort)");
        };
        Console.CancelKeyPress += onCancel;
        IReadOnlyList<EpochResult> history;
        try
        {
            history = trainer.Fit(train, test, new TrainingOptions
            {
                Epochs = s.Epochs, BatchSize = s.BatchSize, EvalEvery = s.EvalEvery, Seed = s.Seed,
            }, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        double? testAccuracy = history.Count > 0 && history[^1].Epoch == s.Epochs ? history[^1].ValidationAccuracy : null;
        if (testAccuracy is { } accuracy) Console.WriteLine($"test accuracy {accuracy:F4}");
        if (s.Metrics is not null)
        {
            new MetricsFile(s.Preset.Name, network.ParameterCount, history.Select(MetricsFile.Epoch.From).ToArray(), testAccuracy).Write(s.Metrics);
            Console.WriteLine($"metrics  {Path.GetFullPath(s.Metrics)}");
        }
        if (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"interrupted after {history.Count} complete epochs");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Success;
    }

    private static string FormatEpoch(EpochResult r, int epochs)
    {
        string validation = r.ValidationLoss is { } loss ? $"  val loss {loss:F4}  val acc {r.ValidationAccuracy:F4}" : "";
        return $"epoch {r.Epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  train loss {r.TrainLoss:F4}{validation}  {r.Seconds:F1} s  {r.ImagesPerSecond:F0} img/s";
    }

    // Fail before hours of training, not after, when the metrics file cannot be written.
    private static void EnsureWritable(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"--metrics {path} is a folder; give a file name such as {Path.Combine(path, "metrics.json")}.");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (File.Open(full + ".tmp", FileMode.Create)) { }
            File.Delete(full + ".tmp");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the metrics file {full}: {e.Message}");
        }
    }
}
