namespace ScratchNet.Optimizers.Schedules;

/// <summary>
/// The rate multiplied by γ every <see cref="StepSize"/> epochs (or batches): lr(t) = initial·γ^⌊t/stepSize⌋
/// (PyTorch's StepLR).
/// </summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; every argument is validated with the value received.</summary>
    /// <param name="initialRate">The rate for t &lt; stepSize; positive and finite.</param>
    /// <param name="stepSize">Epochs (or batches) between two decays; positive.</param>
    /// <param name="gamma">The factor applied at each decay; positive and finite (usually below 1).</param>
    /// <param name="unit">Whether t counts epochs (default) or batches.</param>
    public StepDecaySchedule(float initialRate, int stepSize, float gamma = 0.1f, ScheduleUnit unit = ScheduleUnit.Epoch) : base(unit)
    {
        InitialRate = RequirePositive(initialRate, nameof(initialRate));
        if (stepSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, $"StepDecaySchedule: stepSize must be a positive number, got {stepSize}.");
        StepSize = stepSize;
        Gamma = RequirePositive(gamma, nameof(gamma));
    }

    /// <summary>The rate before the first decay.</summary>
    public float InitialRate { get; }

    /// <summary>Epochs (or batches) between two decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor applied at each decay.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    protected override double ComputeRate(SchedulePosition position) =>
        InitialRate * Math.Pow(Gamma, position.In(Unit).Time / StepSize);
}
