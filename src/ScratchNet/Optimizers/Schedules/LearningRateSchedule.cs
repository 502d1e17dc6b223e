namespace ScratchNet.Optimizers.Schedules;

/// <summary>
/// A learning rate as a function of where training stands. <see cref="ScratchNet.Training.Trainer"/> asks for the rate
/// before every batch (when <see cref="ScratchNet.Training.TrainingOptions.Schedule"/> is set) and writes it to
/// <see cref="Optimizer.LearningRate"/>; a schedule in <see cref="ScheduleUnit.Epoch"/> units then changes it once per
/// epoch, one in <see cref="ScheduleUnit.Batch"/> units on every batch.
/// </summary>
/// <remarks>
/// Schedules are pure functions of the position (no state), so the rate at any point can be computed, plotted or
/// tested on its own. To write one, derive from this class and implement <see cref="ComputeRate"/>; t and T come from
/// <see cref="SchedulePosition.In"/> in the schedule's <see cref="Unit"/>.
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>Creates a schedule whose time counts <paramref name="unit"/>.</summary>
    protected LearningRateSchedule(ScheduleUnit unit)
    {
        if (!Enum.IsDefined(unit))
            throw new ArgumentOutOfRangeException(nameof(unit), unit, $"{GetType().Name}: unknown schedule unit {unit}.");
        Unit = unit;
    }

    /// <summary>What the schedule's time counts: epochs or batches.</summary>
    public ScheduleUnit Unit { get; }

    /// <summary>The learning rate for the batch at <paramref name="position"/>: positive and finite.</summary>
    public float RateAt(SchedulePosition position)
    {
        float rate = (float)ComputeRate(position);
        if (!float.IsFinite(rate) || rate <= 0)
            throw new InvalidOperationException(
                $"{GetType().Name}: gave the learning rate {rate} at epoch {position.Epoch}, batch {position.Batch}; a rate must be a positive finite number.");
        return rate;
    }

    /// <summary>The rate at <paramref name="position"/>, computed in double.</summary>
    protected abstract double ComputeRate(SchedulePosition position);

    /// <summary>Throws unless <paramref name="value"/> is a positive finite number; the message names the argument and the value.</summary>
    protected float RequirePositive(float value, string name) => float.IsFinite(value) && value > 0 ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{GetType().Name}: {name} must be a positive finite number, got {value}.");
}
