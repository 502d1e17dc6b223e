namespace ScratchNet.Optimizers.Schedules;

/// <summary>
/// Ramps another schedule up linearly over the first W batches (or epochs): lr(t) = inner(t)·(t + 1)/W for t &lt; W,
/// then inner(t). The first step uses inner/W (never zero) and step W − 1 the full rate.
/// </summary>
public sealed class LinearWarmupSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="inner">The schedule to warm up.</param>
    /// <param name="warmupSteps">W, the length of the ramp in <paramref name="unit"/>; positive.</param>
    /// <param name="unit">Whether W counts batches (default) or epochs; independent of the inner schedule's unit.</param>
    public LinearWarmupSchedule(LearningRateSchedule inner, int warmupSteps, ScheduleUnit unit = ScheduleUnit.Batch) : base(unit)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (warmupSteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"LinearWarmupSchedule: warmupSteps must be a positive number, got {warmupSteps}.");
        WarmupSteps = warmupSteps;
    }

    /// <summary>The schedule being warmed up.</summary>
    public LearningRateSchedule Inner { get; }

    /// <summary>W, the length of the ramp.</summary>
    public int WarmupSteps { get; }

    /// <inheritdoc />
    protected override double ComputeRate(SchedulePosition position)
    {
        double rate = Inner.RateAt(position);
        int t = position.In(Unit).Time;
        return t < WarmupSteps ? rate * (t + 1) / WarmupSteps : rate;
    }
}
