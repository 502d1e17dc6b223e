using ScratchNet.Distributed;
using ScratchNet.Optimizers.Schedules;

namespace ScratchNet.Training;

/// <summary>Settings of <see cref="Trainer.Fit"/>; each is validated there with the value received.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Evaluate on the validation set every this many epochs (and always after the last).</summary>
    public int EvalEvery { get; init; } = 1;

    /// <summary>Images per gradient step.</summary>
    public int BatchSize { get; init; } = 60;

    /// <summary>Seed of the shuffling order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Images per batch when evaluating (memory only; does not change the result).</summary>
    public int EvaluationBatchSize { get; init; } = Evaluation.DefaultBatchSize;

    /// <summary>
    /// The learning-rate schedule, or null to keep the optimizer's rate. When set, <see cref="Trainer.Fit"/> writes
    /// the schedule's rate to <see cref="ScratchNet.Optimizers.Optimizer.LearningRate"/> before every batch.
    /// </summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>On-the-fly augmentation of training batches, or null for none.</summary>
    public Augmentation? Augmentation { get; init; }

    /// <summary>
    /// Early stopping: end training once validation accuracy has not improved for this many evaluations
    /// (null trains every epoch). Implies <see cref="RestoreBestWeights"/>.
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>After training, put back the weights of the evaluation with the best validation accuracy.</summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>
    /// The processes training this model together (data parallelism), or <see cref="SingleWorker"/> to train alone.
    /// With more than one, each trains its share of every batch and the gradients are summed over the group, so the
    /// batch size, data order and optimizer steps are those of one process.
    /// </summary>
    public IWorkerGroup Workers { get; init; } = SingleWorker.Instance;

    internal void Validate()
    {
        Augmentation?.Validate();
        if (Patience is { } patience) Require(patience, nameof(Patience));
        Require(Epochs, nameof(Epochs));
        Require(EvalEvery, nameof(EvalEvery));
        Require(BatchSize, nameof(BatchSize));
        Require(EvaluationBatchSize, nameof(EvaluationBatchSize));
    }

    private static void Require(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive number, got {value}.");
    }
}
