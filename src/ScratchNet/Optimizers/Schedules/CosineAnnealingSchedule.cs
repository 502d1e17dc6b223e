namespace ScratchNet.Optimizers.Schedules;

/// <summary>
/// Half a cosine from the initial rate down towards a minimum over the run (PyTorch's CosineAnnealingLR with
/// T_max = T): lr(t) = min + (initial − min)·(1 + cos(π·t/T))/2 for t = 0 … T − 1. The minimum itself would be reached
/// at t = T, one past the end, so the rate stays positive even with a minimum of 0.
/// </summary>
public sealed class CosineAnnealingSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; every argument is validated with the value received.</summary>
    /// <param name="initialRate">The rate at t = 0; positive and finite.</param>
    /// <param name="minimumRate">The floor approached at the end; finite, ≥ 0 and below <paramref name="initialRate"/>.</param>
    /// <param name="unit">Whether t counts epochs (default) or batches.</param>
    public CosineAnnealingSchedule(float initialRate, float minimumRate = 0f, ScheduleUnit unit = ScheduleUnit.Epoch) : base(unit)
    {
        InitialRate = RequirePositive(initialRate, nameof(initialRate));
        if (!float.IsFinite(minimumRate) || minimumRate < 0 || minimumRate >= initialRate)
            throw new ArgumentOutOfRangeException(nameof(minimumRate), minimumRate,
                $"CosineAnnealingSchedule: minimumRate must be finite, ≥ 0 and below the initial rate {initialRate}, got {minimumRate}.");
        MinimumRate = minimumRate;
    }

    /// <summary>The rate at t = 0.</summary>
    public float InitialRate { get; }

    /// <summary>The floor the rate approaches.</summary>
    public float MinimumRate { get; }

    /// <inheritdoc />
    protected override double ComputeRate(SchedulePosition position)
    {
        var (t, total) = position.In(Unit);
        return MinimumRate + ((double)InitialRate - MinimumRate) * (1 + Math.Cos(Math.PI * t / total)) / 2;
    }
}
