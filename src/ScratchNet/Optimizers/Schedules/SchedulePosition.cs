namespace ScratchNet.Optimizers.Schedules;

/// <summary>Where training stands when a learning rate is asked for: the batch about to be taken and the run's size.</summary>
public readonly record struct SchedulePosition
{
    /// <summary>Creates a position; every argument is validated with the value received.</summary>
    /// <param name="epoch">The epoch, counted from 0; less than <paramref name="epochs"/>.</param>
    /// <param name="batch">The batch within the epoch, counted from 0; less than <paramref name="batchesPerEpoch"/>.</param>
    /// <param name="batchesPerEpoch">Batches in every epoch; positive.</param>
    /// <param name="epochs">Epochs in the run; positive.</param>
    public SchedulePosition(int epoch, int batch, int batchesPerEpoch, int epochs)
    {
        if (epochs <= 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"SchedulePosition: epochs must be a positive number, got {epochs}.");
        if (batchesPerEpoch <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchesPerEpoch), batchesPerEpoch, $"SchedulePosition: batchesPerEpoch must be a positive number, got {batchesPerEpoch}.");
        if (epoch < 0 || epoch >= epochs)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"SchedulePosition: epoch must be in [0, {epochs}), got {epoch}.");
        if (batch < 0 || batch >= batchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"SchedulePosition: batch must be in [0, {batchesPerEpoch}), got {batch}.");
        Epoch = epoch;
        Batch = batch;
        BatchesPerEpoch = batchesPerEpoch;
        Epochs = epochs;
    }

    /// <summary>The epoch, counted from 0.</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch, counted from 0.</summary>
    public int Batch { get; }

    /// <summary>Batches in every epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Epochs in the run.</summary>
    public int Epochs { get; }

    /// <summary>The batch counted from the start of training (from 0).</summary>
    public int Step => Epoch * BatchesPerEpoch + Batch;

    /// <summary>The number of batches in the run.</summary>
    public int TotalSteps => Epochs * BatchesPerEpoch;

    /// <summary>The time t and its total T in <paramref name="unit"/>: (epoch, epochs) or (step, total steps).</summary>
    public (int Time, int Total) In(ScheduleUnit unit)
    {
        if (Epochs <= 0)
            throw new InvalidOperationException("SchedulePosition: the position is empty (default); create it with its constructor.");
        return unit == ScheduleUnit.Epoch ? (Epoch, Epochs) : (Step, TotalSteps);
    }
}
