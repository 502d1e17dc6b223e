namespace ScratchNet.Training;

/// <summary>What one epoch of training gave.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainLoss">The mean of the batch losses over the epoch.</param>
/// <param name="ValidationLoss">The validation loss, when the epoch was evaluated.</param>
/// <param name="ValidationAccuracy">The fraction of validation images classified right, when evaluated.</param>
/// <param name="Seconds">Training time of the epoch (evaluation excluded).</param>
/// <param name="ImagesPerSecond">Training images per second over the epoch.</param>
/// <param name="TrainAccuracy">The fraction of training images classified right during the epoch (with the weights of the moment, augmented, in training mode).</param>
public sealed record EpochResult(
    int Epoch, double TrainLoss, double? ValidationLoss, double? ValidationAccuracy, double Seconds, double ImagesPerSecond, double? TrainAccuracy = null);

/// <summary>Progress inside an epoch, reported after each batch.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="RunningLoss">Mean batch loss so far in this epoch.</param>
/// <param name="Images">Images done in this epoch.</param>
/// <param name="RunningAccuracy">Fraction of this epoch's training images classified right so far.</param>
/// <param name="Seconds">Training time of this epoch so far.</param>
public readonly record struct BatchProgress(int Epoch, int Batch, int Batches, double RunningLoss, int Images, double RunningAccuracy = 0, double Seconds = 0);
