namespace ScratchNet.Training;

/// <summary>
/// Where a training run stands between epochs: the epochs done, their results, and the model-selection
/// state (best validation figures so far, the weights that gave them, evaluations since). A checkpoint
/// stores it, and <see cref="Trainer.Fit"/> continues from it.
/// </summary>
public sealed class TrainingState
{
    /// <summary>Epochs completed so far.</summary>
    public int CompletedEpochs { get; set; }

    /// <summary>The result of every completed epoch.</summary>
    public List<EpochResult> History { get; } = [];

    /// <summary>The best validation accuracy so far (−∞ before the first evaluation).</summary>
    public double BestAccuracy { get; set; } = double.NegativeInfinity;

    /// <summary>The validation loss at <see cref="BestAccuracy"/>.</summary>
    public double BestLoss { get; set; } = double.PositiveInfinity;

    /// <summary>Evaluations since the best one.</summary>
    public int EvaluationsWithoutImprovement { get; set; }

    /// <summary>True when early stopping ended the run.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>Batches already taken in the epoch after <see cref="CompletedEpochs"/> (a run interrupted mid-epoch).</summary>
    public int BatchesDone { get; set; }

    /// <summary>The running figures of that unfinished epoch: loss sum, images classified right, images, seconds.</summary>
    public (double LossSum, int Correct, int Images, double Seconds) Partial { get; set; }

    /// <summary>The parameters and buffers of the best evaluation, in network order (empty when not tracked).</summary>
    public List<float[]> BestWeights { get; } = [];
}
