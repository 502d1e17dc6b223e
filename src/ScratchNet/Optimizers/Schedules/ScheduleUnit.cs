namespace ScratchNet.Optimizers.Schedules;

/// <summary>What the time t of a schedule counts.</summary>
public enum ScheduleUnit
{
    /// <summary>t is the epoch (from 0) out of the run's epochs: the rate is constant within an epoch.</summary>
    Epoch,

    /// <summary>t is the batch (gradient step) from the start of training, out of epochs × batches per epoch.</summary>
    Batch,
}
