using ScratchNet.Cli.Reporting;
using ScratchNet.Data;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// The files a training run writes: the <c>--metrics</c> file, and in the <c>--out</c> folder a checkpoint after every
/// epoch (and on Ctrl-C), then the model, metrics.json and the report. Checked for writability before any work.
/// </summary>
internal sealed class TrainRunFiles
{
    public const string CheckpointFileName = "checkpoint.safetensors", ModelFileName = "model.safetensors", MetricsFileName = "metrics.json";

    private readonly TrainSettings _settings;

    /// <summary>Fails now, before any data is read, when an output of <paramref name="settings"/> cannot be written.</summary>
    public TrainRunFiles(TrainSettings settings)
    {
        _settings = settings;
        if (settings.Metrics is not null) CliSupport.EnsureWritable(settings.Metrics, "--metrics");
        if (settings.Out is not null) CliSupport.EnsureWritable(Path.Combine(settings.Out, ModelFileName), "--out");
    }

    /// <summary>With <c>--out</c>, writes a checkpoint whenever <paramref name="trainer"/> completes an epoch.</summary>
    public void CheckpointEveryEpoch(Trainer trainer, NeuralNetwork network, Optimizer optimizer)
    {
        if (_settings.Out is not null) trainer.EpochCompleted += _ => SaveCheckpoint(trainer, network, optimizer);
    }

    /// <summary>Writes the <c>--metrics</c> file, finished run or not.</summary>
    public void WriteMetrics(MetricsFile metrics, TrainingOutput console)
    {
        if (_settings.Metrics is null) return;
        metrics.Write(_settings.Metrics);
        console.Info("metrics", Path.GetFullPath(_settings.Metrics));
    }

    /// <summary>With <c>--out</c>, writes the finished run: the model, metrics.json and the report on the test set.</summary>
    public void WriteFinishedRun(NeuralNetwork network, MetricsFile metrics, IReadOnlyList<EpochResult> history,
        ImageDataset test, ImageDataset rawTest, TrainingOutput console)
    {
        if (_settings.Out is not null)
        {
            IReadOnlyDictionary<string, string> description = _settings.Describe();
            network.Save(Path.Combine(_settings.Out, ModelFileName), description);
            metrics.Write(Path.Combine(_settings.Out, MetricsFileName));
            RunReport.Write(_settings.Out, RunSummary.FromNetwork(_settings.ModelName, description, history, network, test, rawTest));
            console.Info("saved", $"{Path.GetFullPath(_settings.Out)}: {ModelFileName}, {MetricsFileName}, {CheckpointFileName}, plots and {RunReport.HtmlFileName}");
        }
    }

    /// <summary>With <c>--out</c>, checkpoints the interrupted run (mid-epoch) and says how to continue it.</summary>
    public void WriteInterruptedRun(Trainer trainer, NeuralNetwork network, Optimizer optimizer, int completedEpochs)
    {
        if (_settings.Out is not null)
        {
            SaveCheckpoint(trainer, network, optimizer);
            Console.Error.WriteLine($"checkpoint written: continue with ./scratchnet train --resume {_settings.Out}");
        }
        Console.Error.WriteLine($"interrupted after {completedEpochs} complete epochs");
    }

    private void SaveCheckpoint(Trainer trainer, NeuralNetwork network, Optimizer optimizer) =>
        Checkpoint.Save(Path.Combine(_settings.Out!, CheckpointFileName), network, optimizer, trainer.State!, _settings.Describe());
}
