using System.CommandLine;
using ScratchNet.Data;
using ScratchNet.Distributed;
using ScratchNet.Losses;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary><c>scratchnet train</c>: trains a model on Fashion-MNIST or the user's own images and reports loss and accuracy.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var options = new TrainOptions();
        var command = new Command("train", "Train a model on Fashion-MNIST, or on your own images.\n\n" + DataOptions.Layouts + "\n\nExamples:\n  scratchnet train --model seed-cnn\n  scratchnet train --model seed-cnn --epochs 1 --metrics m.json\n  scratchnet train --model seed-cnn --lr 0.1 --init standard   (the notebook's settings)\n  scratchnet train --model fashion-cnn --validation 5000 --out runs/fashion\n  scratchnet train --model fashion-cnn --augment --epochs 50\n  scratchnet train --spec my-model.json --optimizer adam --lr 0.001\n  scratchnet train --data photos/ --image-size 64,64 --model fashion-cnn\n  scratchnet train --data train.csv --test-data test.csv\n  scratchnet train --data cifar-10-batches-bin --model fashion-cnn\n  scratchnet train --data huge-folder/ --memory-budget 2G   (read while training)\n  scratchnet train --spec samples/specs/residual.json");
        foreach (Option option in options.All) command.Add(option);
        // Under mpirun every process runs this; rank 0 alone prints and writes files.
        command.SetAction(result => TrainWorkers.Run(workers =>
        {
            TrainingOutput console = workers.Rank == 0 ? options.Output(result) : TrainingOutput.Silent;
            return options.Resume(result) is ({ } folder, var metrics)
                ? Resume(folder, metrics, console, workers)
                : Run(options.Settings(result), console, workers: workers);
        }));
        return command;
    }

    /// <summary>Where an interrupted run stands: its network, its optimizer's state and the trainer's state.</summary>
    internal sealed record ResumePoint(NeuralNetwork Network, IReadOnlyDictionary<string, float[]> OptimizerState, TrainingState State);

    private static int Resume(string folder, string? metrics, TrainingOutput console, IWorkerGroup workers)
    {
        string path = Path.Combine(folder, TrainRunFiles.CheckpointFileName);
        if (!File.Exists(path))
            throw new UsageException($"--resume {folder}: there is no {TrainRunFiles.CheckpointFileName} in that folder (runs started with --out DIR write one after every epoch).");
        var (network, optimizerState, state, description) = Checkpoint.Load(path);
        TrainSettings settings = TrainSettings.FromDescription(description, path, folder, metrics);
        console.Info("resume", $"{Path.GetFullPath(path)}: {state.CompletedEpochs} of {settings.Epochs} epochs done");
        return Run(settings, console, new ResumePoint(network, optimizerState, state), workers: workers);
    }

    /// <summary>
    /// Trains as <paramref name="s"/> says, from scratch or from <paramref name="resumed"/>, on the data <c>--data</c> names
    /// or on <paramref name="source"/> (raw sets already in memory), alone or as one of <paramref name="workers"/>.
    /// </summary>
    internal static int Run(TrainSettings s, TrainingOutput console, ResumePoint? resumed = null, TrainingData? source = null,
        IWorkerGroup? workers = null)
    {
        workers ??= SingleWorker.Instance;
        if (workers.Rank != 0) s = s with { Metrics = null, Out = null }; // rank 0 alone writes files
        var files = new TrainRunFiles(s);
        NeuralNetwork? initial = s.InitFrom is not null && resumed is null ? InitFromFile.Load(s.InitFrom) : null;   // before the data: a bad file fails at once
        TrainingData raw = TrainingData.Load(s, source);
        // Statistics of the raw training images only, applied to every set and kept with the model; fine-tuning keeps the file's.
        Standardizer standardizer = s.InitFrom is null ? raw.FitStandardizer(s.Threads) : InitFromFile.Normalization(resumed?.Network ?? initial!);
        if (initial is not null) InitFromFile.CheckFits(initial, s.InitFrom!, raw.Train);
        TrainingData data = raw.Standardize(standardizer, s.Threads);
        NeuralNetwork network = resumed?.Network ?? initial ?? s.CreateNetwork(data.Train.ClassNames.Count);
        Prepare(network, s, standardizer, data.Train);
        Optimizer optimizer = OptimizerCatalog.Create(s.Optimizer, s.LearningRate, s.Momentum, s.WeightDecay);
        if (resumed is not null) optimizer.LoadState(resumed.OptimizerState, network.Parameters);
        if (workers.Size > 1) WorkerAgreement.Require(workers, WorkerAgreement.Describe(s, data, network, resumed?.State));
        var trainer = new Trainer(network, optimizer);
        Announce(console, s, data, network);
        if (workers.Size > 1) console.Info("workers", $"{workers.Size} processes (MPI), each training its share of every batch of {s.BatchSize}");
        files.CheckpointEveryEpoch(trainer, network, optimizer);

        var (history, complete) = Fit(trainer, s, data, console, resumed?.State, workers);
        if (workers.Rank != 0) return complete ? ExitCodes.Success : ExitCodes.Interrupted; // rank 0 reports

        double? testAccuracy = complete ? TestAccuracy(network, data, history, console) : null;
        var metrics = new MetricsFile(s.ModelName, network.ParameterCount, history.Select(MetricsFile.Epoch.From).ToArray(), testAccuracy);
        files.WriteMetrics(metrics, console);
        if (!complete)
        {
            files.WriteInterruptedRun(trainer, network, optimizer, history.Count);
            return ExitCodes.Interrupted;
        }
        files.WriteFinishedRun(network, metrics, history, data.Test, raw.Test, console);
        return ExitCodes.Success;
    }

    // The network takes the data's images, standardised as in training, gives one score per class, knows the classes'
    // names and smooths its labels as asked.
    private static void Prepare(NeuralNetwork network, TrainSettings s, Standardizer standardizer, IBatchSource train)
    {
        if (network.Loss is SoftmaxCrossEntropy crossEntropy) crossEntropy.LabelSmoothing = s.LabelSmoothing;
        else if (s.LabelSmoothing > 0)
            throw new UsageException($"--label-smoothing smooths the targets of softmax cross-entropy, but {s.ModelName} is trained with {network.Loss.Name}; leave it out.");
        network.Threads = s.Threads;
        network.Normalization = standardizer;
        network.ClassNames = train.ClassNames;
        int[] shape = [.. train.SampleShape];
        CliSupport.Build(network, shape);
        int[] output = network.OutputSampleShape(shape);
        if (output is not [int outputs] || outputs != train.ClassNames.Count)
            throw new UsageException($"the model {s.ModelName} gives {CliSupport.FormatShape(output)} outputs per image but the data has {train.ClassNames.Count} classes; " +
                                     "its last layer needs one output per class.");
    }

    private static void Announce(TrainingOutput console, TrainSettings s, TrainingData data, NeuralNetwork network)
    {
        console.Info("data", data.Describe());
        foreach (string note in data.Notes()) console.Info("data", note);
        string start = s.InitFrom is null ? $"init {s.Init.ToString().ToLowerInvariant()}" : $"weights and normalisation from {s.InitFrom}";
        console.Info("model", $"{s.ModelName}: {network.ParameterCount:N0} parameters, {start}, seed {s.Seed}");
        string momentumText = s.Optimizer is "momentum" or "nesterov" ? $" momentum {s.Momentum}" : "";
        string regularisationText = (s.WeightDecay > 0 ? $" weight decay {s.WeightDecay}" : "") + (s.LabelSmoothing > 0 ? $" label smoothing {s.LabelSmoothing}" : "");
        string scheduleText = s.Schedule == "constant" ? "" : $", {s.Schedule} schedule to {s.FinalLearningRate:G3}";
        string warmupText = s.WarmupEpochs > 0 ? $" after {s.WarmupEpochs} warm-up epochs" : "";
        console.Info("training", $"{s.Epochs} epochs, batch {s.BatchSize}, {s.Optimizer} lr {s.LearningRate}{momentumText}{regularisationText}{scheduleText}{warmupText}{(s.Augmentation is { } augmentation ? $", augmented ({augmentation.Describe()})" : "")}, {s.Threads} threads");
    }

    // Trains until the last epoch, early stopping or Ctrl-C; Complete is false after Ctrl-C.
    private static (IReadOnlyList<EpochResult> History, bool Complete) Fit(
        Trainer trainer, TrainSettings s, TrainingData data, TrainingOutput console, TrainingState? resumedState, IWorkerGroup workers)
    {
        int batchesPerEpoch = (data.Train.Count + s.BatchSize - 1) / s.BatchSize;
        var options = new TrainingOptions
        {
            Epochs = s.Epochs, BatchSize = s.BatchSize, EvalEvery = s.EvalEvery, Seed = s.Seed,
            Schedule = OptimizerCatalog.CreateSchedule(s.Schedule, s.LearningRate, s.FinalLearningRate, s.Epochs, s.WarmupEpochs, batchesPerEpoch),
            Augmentation = s.Augmentation,
            Patience = s.Patience,
            RestoreBestWeights = data.Validation is not null,
            Workers = workers,
        };
        using var stop = new CtrlCStop(stopOnTerminate: workers.Size == 1);
        IReadOnlyList<EpochResult> history = console.Run(trainer, s.Epochs,
            () => trainer.Fit(data.Train, data.Validation ?? data.Test, options, stop.Token, resumedState));
        // Under mpirun another process may have been the one asked to stop: then this one stopped with it, unfinished.
        bool finished = trainer.State is { } state && (state.CompletedEpochs >= s.Epochs || state.StoppedEarly);
        return (history, !stop.Requested && finished);
    }

    // Without a validation set the last evaluation was on the test set; with one, the test set is touched once,
    // now, for the final figure with the selected weights.
    private static double? TestAccuracy(NeuralNetwork network, TrainingData data, IReadOnlyList<EpochResult> history, TrainingOutput console)
    {
        if (data.Validation is null)
        {
            double? accuracy = history.Count > 0 ? history[^1].ValidationAccuracy : null;
            console.Result($"test accuracy {accuracy:F4}");
            return accuracy;
        }
        Evaluation final = Evaluation.Run(network, data.Test);
        console.Result($"test     loss {final.Loss:F4}  accuracy {final.Accuracy:F4} (weights of the best validation epoch)");
        return final.Accuracy;
    }
}
