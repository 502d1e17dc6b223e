using ScratchNet.Optimizers.Schedules;

namespace ScratchNet.Optimizers;

/// <summary>Optimizers and learning-rate schedules by name, for presets, model files and the command line.</summary>
public static class OptimizerCatalog
{
    /// <summary>The optimizer names: sgd, momentum, nesterov, adam, adamw.</summary>
    public static IReadOnlyList<string> Optimizers { get; } = ["sgd", "momentum", "nesterov", "adam", "adamw"];

    /// <summary>The schedule names: constant, linear, exponential, step, cosine.</summary>
    public static IReadOnlyList<string> Schedules { get; } = ["constant", "linear", "exponential", "step", "cosine"];

    /// <summary>Creates the optimizer called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static Optimizer Create(string name, float learningRate, float momentum = 0.9f, float weightDecay = 0f) =>
        name.ToLowerInvariant() switch
        {
            "sgd" => new SGD(learningRate, weightDecay),
            "momentum" => new SGDMomentum(learningRate, momentum, weightDecay),
            "nesterov" => new SGDMomentum(learningRate, momentum, weightDecay, nesterov: true),
            "adam" => new Adam(learningRate, weightDecay: weightDecay),
            "adamw" => new AdamW(learningRate, weightDecay: weightDecay),
            _ => throw new ArgumentException($"Unknown optimizer '{name}'. Valid optimizers: {string.Join(", ", Optimizers)}."),
        };

    /// <summary>
    /// Creates the schedule called <paramref name="name"/> from <paramref name="initialRate"/> down to
    /// <paramref name="finalRate"/> (linear, exponential, cosine), or ×0.1 every <paramref name="stepEpochs"/>
    /// epochs (step); with <paramref name="warmupEpochs"/> &gt; 0 the rate first rises linearly over that many epochs.
    /// Returns null for a constant rate without warm-up.
    /// </summary>
    public static LearningRateSchedule? CreateSchedule(string name, float initialRate, float finalRate, int epochs, int warmupEpochs = 0, int batchesPerEpoch = 1, int stepEpochs = 0)
    {
        LearningRateSchedule? schedule = name.ToLowerInvariant() switch
        {
            "constant" => null,
            "linear" => new LinearDecaySchedule(initialRate, finalRate, ScheduleUnit.Batch),
            "exponential" => new ExponentialDecaySchedule(initialRate, finalRate),
            "step" => new StepDecaySchedule(initialRate, stepEpochs > 0 ? stepEpochs : Math.Max(1, epochs / 3)),
            "cosine" => new CosineAnnealingSchedule(initialRate, finalRate, ScheduleUnit.Batch),
            _ => throw new ArgumentException($"Unknown schedule '{name}'. Valid schedules: {string.Join(", ", Schedules)}."),
        };
        if (warmupEpochs <= 0) return schedule;
        // A warm-up longer than any run is allowed (the rate rises throughout); its step count must not overflow.
        int warmupSteps = (int)Math.Min((long)warmupEpochs * batchesPerEpoch, int.MaxValue);
        return new LinearWarmupSchedule(schedule ?? new ConstantSchedule(initialRate), warmupSteps);
    }
}
