using System.CommandLine;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary><c>scratchnet train</c>: trains a preset model on an IDX data set and reports loss and accuracy.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model preset: " + string.Join("; ", ModelPreset.All.Select(p => $"{p.Name} ({p.Description})")), DefaultValueFactory = _ => ModelPreset.SeedCnn.Name }
            .OneOf(ModelPreset.All.Select(p => p.Name).ToArray());
        var spec = new Option<string?>("--spec") { Description = "Train the architecture described in this JSON file instead of a preset (format: docs/model-spec.md)" };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training set (default: the preset's)" }.Positive();
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per gradient step (default: the preset's)" }.Positive();
        var optimizer = new Option<string?>("--optimizer") { Description = $"Optimizer: {string.Join(", ", OptimizerCatalog.Optimizers)} (default: the preset's)" }
            .OneOf(OptimizerCatalog.Optimizers.ToArray());
        var lr = new Option<float?>("--lr") { Description = "Learning rate (default: the preset's; seed-cnn 0.01, the notebook used 0.1)" }.PositiveFinite();
        var momentum = new Option<float?>("--momentum") { Description = "Momentum of momentum/nesterov SGD, in [0, 1) (default: the preset's, 0.9)" }.InRange(0, 1);
        var weightDecay = new Option<float?>("--weight-decay") { Description = "Weight decay (L2 for sgd/momentum/adam, decoupled for adamw; default: the preset's)" }.InRange(0, 1);
        var schedule = new Option<string?>("--schedule") { Description = $"Learning-rate schedule: {string.Join(", ", OptimizerCatalog.Schedules)} (default: the preset's)" }
            .OneOf(OptimizerCatalog.Schedules.ToArray());
        var finalLr = new Option<float?>("--final-lr") { Description = "Rate at the end of linear, exponential or cosine schedules (default: lr/100)" }.NonNegativeFinite();
        var warmup = new Option<int?>("--warmup") { Description = "Epochs of linear learning-rate warm-up (default 0)" }.Positive();
        var init = new Option<string>("--init") { Description = "Weight initialisation: glorot, he, or standard (the notebook's unscaled N(0,1))", DefaultValueFactory = _ => "glorot" }
            .OneOf("glorot", "he", "standard");
        var seed = new Option<int>("--seed") { Description = "Seed for weights, shuffling, dropout and augmentation", DefaultValueFactory = _ => 1 };
        var data = new Option<string?>("--data") { Description = $"Folder with the four IDX files (default: ${DataLocator.EnvironmentVariable}, then {DataLocator.DefaultDirectory})" };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only" }.Positive();
        var validation = new Option<int?>("--validation") { Description = "Hold out N training images for validation (model selection); the test set is then used only for the final figure" }.Positive();
        var patience = new Option<int?>("--patience") { Description = "Early stopping: stop after N evaluations without a better validation accuracy and keep the best weights (needs --validation)" }.Positive();
        var augment = new Option<bool>("--augment") { Description = "Augment training images: random shifts of up to 2 pixels, horizontal flips and random erasing (presets may lighten their dropout)" };
        var evalEvery = new Option<int>("--eval-every") { Description = "Evaluate every N epochs", DefaultValueFactory = _ => 1 }.Positive();
        var threads = new Option<int>("--threads") { Description = "Threads for the kernels (same seed and threads: same run)", DefaultValueFactory = _ => Environment.ProcessorCount }.Positive();
        var metrics = new Option<string?>("--metrics") { Description = "Write per-epoch figures and the test accuracy to this JSON file" };
        var output = new Option<string?>("--out") { Description = "Write the run into this folder: a checkpoint after every epoch, then model.safetensors, metrics.json, plots and report.html" };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the final test accuracy (and errors)" };
        var resume = new Option<string?>("--resume") { Description = "Continue the interrupted run in this --out folder from its last checkpoint, with its settings" };

        var command = new Command("train", "Train a model on Fashion-MNIST (or any folder of IDX files).\n\nExamples:\n  scratchnet train --model seed-cnn\n  scratchnet train --model seed-cnn --epochs 1 --metrics m.json\n  scratchnet train --model seed-cnn --lr 0.1 --init standard   (the notebook's settings)\n  scratchnet train --model fashion-cnn --validation 5000 --out runs/fashion\n  scratchnet train --model fashion-cnn --augment --epochs 50\n  scratchnet train --spec my-model.json --optimizer adam --lr 0.001")
        {
            model, spec, epochs, batchSize, optimizer, lr, momentum, weightDecay, schedule, finalLr, warmup, init, seed, data, limit,
            validation, patience, augment, evalEvery, threads, metrics, output, resume, quiet,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(resume) is { } folder)
            {
                string[] others = result.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
                    .Where(o => !o.Implicit && o.Option != resume && o.Option != metrics && o.Option != quiet).Select(o => o.Option.Name).ToArray();
                if (others.Length > 0)
                    throw new UsageException($"--resume continues a run with its own settings; drop {string.Join(", ", others)}.");
                return Resume(folder, result.GetValue(metrics), TrainingOutput.Create(result.GetValue(quiet)));
            }
            string? specPath = result.GetValue(spec);
            bool modelGiven = result.GetResult(model) is { Implicit: false };
            if (specPath is not null && modelGiven) throw new UsageException("give either --model or --spec, not both.");
            if (result.GetValue(patience) is not null && result.GetValue(validation) is null)
                throw new UsageException("--patience selects the best epoch on a validation set: add --validation N (e.g. --validation 5000), so the test set stays unseen.");
            ModelPreset? preset = specPath is null ? ModelPreset.Find(result.GetValue(model)!) : null;
            // A specification brings no training recipe: Adam 1e-3, batch 64, 10 epochs unless told otherwise.
            ModelPreset defaults = preset ?? new ModelPreset("spec", "", 1e-3f, 0.9f, 64, 10, () => [], "adam", "constant");
            float rate = result.GetValue(lr) ?? defaults.LearningRate;
            var settings = new TrainSettings(
                preset?.Name ?? Path.GetFileNameWithoutExtension(specPath!), preset, specPath,
                result.GetValue(epochs) ?? defaults.Epochs,
                result.GetValue(batchSize) ?? defaults.BatchSize,
                result.GetValue(optimizer) ?? defaults.Optimizer,
                rate,
                result.GetValue(momentum) ?? defaults.Momentum,
                result.GetValue(weightDecay) ?? defaults.WeightDecay,
                result.GetValue(schedule) ?? defaults.Schedule,
                result.GetValue(finalLr) ?? rate / 100,
                result.GetValue(warmup) ?? 0,
                Enum.Parse<WeightInit>(result.GetValue(init)!, ignoreCase: true),
                result.GetValue(seed),
                result.GetValue(data),
                result.GetValue(limit),
                result.GetValue(validation),
                result.GetValue(patience),
                result.GetValue(augment),
                result.GetValue(evalEvery),
                result.GetValue(threads),
                result.GetValue(metrics),
                result.GetValue(output));
            return Run(settings, TrainingOutput.Create(result.GetValue(quiet)));
        });
        return command;
    }

    private const string CheckpointFile = "checkpoint.safetensors", ModelFileName = "model.safetensors";

    private static int Resume(string folder, string? metrics, TrainingOutput console)
    {
        string path = Path.Combine(folder, CheckpointFile);
        if (!File.Exists(path))
            throw new UsageException($"--resume {folder}: there is no {CheckpointFile} in that folder (runs started with --out DIR write one after every epoch).");
        var (network, optimizerState, state, settings) = Checkpoint.Load(path);
        TrainSettings s = TrainSettings.FromDescription(settings, folder, metrics);
        console.Info("resume", $"{Path.GetFullPath(path)}: {state.CompletedEpochs} of {s.Epochs} epochs done");
        return Run(s, console, (network, optimizerState, state));
    }

    private static int Run(TrainSettings s, TrainingOutput console, (NeuralNetwork Network, IReadOnlyDictionary<string, float[]> OptimizerState, TrainingState State)? resumed = null)
    {
        if (s.Metrics is not null) CliSupport.EnsureWritable(s.Metrics, "--metrics");
        string? modelPath = s.Out is null ? null : Path.Combine(s.Out, ModelFileName);
        if (modelPath is not null) CliSupport.EnsureWritable(modelPath, "--out");
        NeuralNetwork network = resumed?.Network ?? s.CreateNetwork();

        string folder = DataLocator.Locate(s.Data);
        var (rawTrain, rawTest) = IdxDatasetLoader.LoadFolder(folder);
        if (s.Limit is { } limit) rawTrain = rawTrain.Take(limit);
        ImageDataset? rawValidation = null;
        if (s.Validation is { } held)
        {
            if (held >= rawTrain.Count) throw new UsageException($"--validation {held} leaves no training images out of {rawTrain.Count}.");
            (rawTrain, rawValidation) = rawTrain.Split(held, s.Seed);
        }

        // Statistics of the raw training images only, applied to every set and kept with the model.
        Standardizer standardizer = Standardizer.Fit(rawTrain.Images);
        ImageDataset train = standardizer.Apply(rawTrain), test = standardizer.Apply(rawTest);
        ImageDataset? validation = rawValidation is null ? null : standardizer.Apply(rawValidation);

        network.Threads = s.Threads;
        network.Normalization = standardizer;
        network.ClassNames = train.ClassNames;
        CliSupport.Build(network, train.ImageShape);
        Optimizer optimizer = OptimizerCatalog.Create(s.Optimizer, s.LearningRate, s.Momentum, s.WeightDecay);
        if (resumed is { } r) optimizer.LoadState(r.OptimizerState, network.Parameters);
        int batchesPerEpoch = (train.Count + s.BatchSize - 1) / s.BatchSize;
        var options = new TrainingOptions
        {
            Epochs = s.Epochs, BatchSize = s.BatchSize, EvalEvery = s.EvalEvery, Seed = s.Seed,
            Schedule = OptimizerCatalog.CreateSchedule(s.Schedule, s.LearningRate, s.FinalLearningRate, s.Epochs, s.WarmupEpochs, batchesPerEpoch),
            Augmentation = s.Augment ? Augmentation.Standard : null,
            Patience = s.Patience,
            RestoreBestWeights = validation is not null,
        };
        var trainer = new Trainer(network, optimizer);

        string validationText = validation is null ? "validation on the test set, as in the notebook" : $"{validation.Count} held out for validation";
        console.Info("data", $"{folder}: {train.Count} training images ({validationText}), {test.Count} test images of {Tensor.FormatShape(train.ImageShape)}, {train.ClassCount} classes");
        console.Info("model", $"{s.ModelName}: {network.ParameterCount:N0} parameters, init {s.Init.ToString().ToLowerInvariant()}, seed {s.Seed}");
        string momentumText = s.Optimizer is "momentum" or "nesterov" ? $" momentum {s.Momentum}" : "";
        string decayText = s.WeightDecay > 0 ? $" weight decay {s.WeightDecay}" : "";
        string scheduleText = s.Schedule == "constant" ? "" : $", {s.Schedule} schedule to {s.FinalLearningRate:G3}";
        string warmupText = s.WarmupEpochs > 0 ? $" after {s.WarmupEpochs} warm-up epochs" : "";
        console.Info("training", $"{s.Epochs} epochs, batch {s.BatchSize}, {s.Optimizer} lr {s.LearningRate}{momentumText}{decayText}{scheduleText}{warmupText}{(s.Augment ? ", augmented" : "")}, {s.Threads} threads");
        if (s.Out is not null)
            trainer.EpochCompleted += _ => Checkpoint.Save(Path.Combine(s.Out, CheckpointFile), network, optimizer, trainer.State!, s.Describe());

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
            history = console.Run(trainer, s.Epochs, () => trainer.Fit(train, validation ?? test, options, cancellation.Token, resumed?.State));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        bool complete = !cancellation.IsCancellationRequested;
        double? testAccuracy = null;
        if (complete && validation is not null)
        {
            // The test set is touched once, for the final figure, with the selected weights.
            var final = Evaluation.Run(network, test);
            testAccuracy = final.Accuracy;
            console.Result($"test     loss {final.Loss:F4}  accuracy {final.Accuracy:F4} (weights of the best validation epoch)");
        }
        else if (complete)
        {
            testAccuracy = history[^1].ValidationAccuracy;
            console.Result($"test accuracy {testAccuracy:F4}");
        }

        var metricsFile = new MetricsFile(s.ModelName, network.ParameterCount, history.Select(MetricsFile.Epoch.From).ToArray(), testAccuracy);
        if (s.Metrics is not null)
        {
            metricsFile.Write(s.Metrics);
            console.Info("metrics", Path.GetFullPath(s.Metrics));
        }
        if (s.Out is not null && complete)
        {
            network.Save(modelPath!, s.Describe());
            metricsFile.Write(Path.Combine(s.Out, "metrics.json"));
            Reporting.RunReport.Write(s.Out, Reporting.RunSummary.FromNetwork(s.ModelName, s.Describe(), history, network, test, rawTest));
            console.Info("saved", $"{Path.GetFullPath(s.Out)}: {ModelFileName}, metrics.json, {CheckpointFile}, plots and {Reporting.RunReport.HtmlFileName}");
        }
        if (!complete)
        {
            if (s.Out is not null)
            {
                Checkpoint.Save(Path.Combine(s.Out, CheckpointFile), network, optimizer, trainer.State!, s.Describe());
                Console.Error.WriteLine($"checkpoint written: continue with ./scratchnet train --resume {s.Out}");
            }
            Console.Error.WriteLine($"interrupted after {history.Count} complete epochs");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Success;
    }
}
