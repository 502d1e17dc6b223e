namespace ScratchNet.Optimizers.Schedules;

/// <summary>
/// A straight line from the initial rate at t = 0 to the final rate at the last t = T − 1:
/// lr(t) = initial + (final − initial)·t/(T − 1) (the initial rate when T = 1). Per epoch this is the "lincoln"
/// library's linear decay, which subtracts (initial − final)/(epochs − 1) after every epoch.
/// </summary>
public sealed class LinearDecaySchedule : InitialToFinalSchedule
{
    /// <summary>Creates the schedule; both rates must be positive and finite.</summary>
    /// <param name="initialRate">The rate at t = 0.</param>
    /// <param name="finalRate">The rate at the last epoch (or batch).</param>
    /// <param name="unit">Whether t counts epochs (default) or batches.</param>
    public LinearDecaySchedule(float initialRate, float finalRate, ScheduleUnit unit = ScheduleUnit.Epoch) : base(initialRate, finalRate, unit)
    {
    }

    /// <inheritdoc />
    protected override double RateAtFraction(double fraction) => InitialRate + ((double)FinalRate - InitialRate) * fraction;
}
