namespace ScratchNet.Optimizers.Schedules;

/// <summary>
/// A straight line from the initial rate at t = 0 to the final rate at the last t = T − 1:
/// lr(t) = initial + (final − initial)·t/(T − 1) (the initial rate when T = 1). Per epoch this is the "lincoln"
/// library's linear decay, which subtracts (initial − final)/(epochs − 1) after every epoch.
/// </summary>
public sealed class LinearDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; both rates must be positive and finite.</summary>
    /// <param name="initialRate">The rate at t = 0.</param>
    /// <param name="finalRate">The rate at the last epoch (or batch).</param>
    /// <param name="unit">Whether t counts epochs (default) or batches.</param>
    public LinearDecaySchedule(float initialRate, float finalRate, ScheduleUnit unit = ScheduleUnit.Epoch) : base(unit)
    {
        InitialRate = RequirePositive(initialRate, nameof(initialRate));
        FinalRate = RequirePositive(finalRate, nameof(finalRate));
    }

    /// <summary>The rate at t = 0.</summary>
    public float InitialRate { get; }

    /// <summary>The rate at t = T − 1.</summary>
    public float FinalRate { get; }

    /// <inheritdoc />
    protected override double ComputeRate(SchedulePosition position)
    {
        var (t, total) = position.In(Unit);
        return total == 1 ? InitialRate : InitialRate + ((double)FinalRate - InitialRate) * t / (total - 1);
    }
}
