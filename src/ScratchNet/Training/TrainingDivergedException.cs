namespace ScratchNet.Training;

/// <summary>The training loss became NaN or infinite; the message says where and what to try.</summary>
public sealed class TrainingDivergedException(int epoch, int batch, float loss, float learningRate)
    : Exception($"The loss became {loss} at epoch {epoch}, batch {batch}: training diverged. " +
                $"Try a lower learning rate than {learningRate} (e.g. --lr {learningRate / 10}) or the default Glorot initialisation.")
{
    /// <summary>The epoch in which it happened, from 1.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The batch in which it happened, from 1.</summary>
    public int Batch { get; } = batch;
}
