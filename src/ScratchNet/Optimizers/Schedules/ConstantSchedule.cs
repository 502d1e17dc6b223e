namespace ScratchNet.Optimizers.Schedules;

/// <summary>The same rate throughout: lr(t) = rate.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; <paramref name="rate"/> must be positive and finite.</summary>
    public ConstantSchedule(float rate) : base(ScheduleUnit.Epoch) => Rate = RequirePositive(rate, nameof(rate));

    /// <summary>The rate.</summary>
    public float Rate { get; }

    /// <inheritdoc />
    protected override double ComputeRate(SchedulePosition position) => Rate;
}
