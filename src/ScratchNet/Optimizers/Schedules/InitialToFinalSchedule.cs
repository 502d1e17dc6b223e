namespace ScratchNet.Optimizers.Schedules;

/// <summary>
/// A schedule that moves from an initial rate at t = 0 to a final rate at the last t = T − 1 along a curve
/// given by the subclass as a function of the fraction t/(T − 1) (the initial rate when T = 1).
/// </summary>
public abstract class InitialToFinalSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; both rates must be positive and finite.</summary>
    /// <param name="initialRate">The rate at t = 0.</param>
    /// <param name="finalRate">The rate at the last epoch (or batch).</param>
    /// <param name="unit">Whether t counts epochs or batches.</param>
    protected InitialToFinalSchedule(float initialRate, float finalRate, ScheduleUnit unit) : base(unit)
    {
        InitialRate = RequirePositive(initialRate, nameof(initialRate));
        FinalRate = RequirePositive(finalRate, nameof(finalRate));
    }

    /// <summary>The rate at t = 0.</summary>
    public float InitialRate { get; }

    /// <summary>The rate at t = T − 1.</summary>
    public float FinalRate { get; }

    /// <inheritdoc />
    protected sealed override double ComputeRate(SchedulePosition position)
    {
        var (t, total) = position.In(Unit);
        return total == 1 ? InitialRate : RateAtFraction((double)t / (total - 1));
    }

    /// <summary>The rate a fraction <paramref name="fraction"/> ∈ [0, 1] of the way from the initial to the final rate.</summary>
    protected abstract double RateAtFraction(double fraction);
}
