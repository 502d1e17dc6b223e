namespace ScratchNet.Training;

/// <summary>The loss or a gradient became NaN or infinite; the message says where and what to try.</summary>
public sealed class TrainingDivergedException(int epoch, int batch, string what, float learningRate)
    : Exception($"Training diverged at epoch {epoch}, batch {batch}: {what}. " +
                $"Try a lower learning rate than {learningRate} (e.g. --lr {learningRate / 10}) or the default Glorot initialisation; " +
                "the last checkpoint, if any, is intact.")
{
    /// <summary>The epoch in which it happened, from 1.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The batch in which it happened, from 1.</summary>
    public int Batch { get; } = batch;
}
