using ScratchNet.Optimizers.Schedules;

namespace ScratchNet.Tests.Optimizers.Schedules;

/// <summary>Every learning-rate schedule against its formula at several points, in epoch and batch units, and validation.</summary>
public class ScheduleTests
{
    private const int Epochs = 10, Batches = 5;

    private static float At(LearningRateSchedule schedule, int epoch, int batch = 0, int batches = Batches, int epochs = Epochs) =>
        schedule.RateAt(new SchedulePosition(epoch, batch, batches, epochs));

    private static void Near(double expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * expected, $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Position_counts_steps_across_epochs()
    {
        var p = new SchedulePosition(2, 3, 5, 4);
        Assert.Equal((13, 20), (p.Step, p.TotalSteps));
        Assert.Equal((2, 4), p.In(ScheduleUnit.Epoch));
        Assert.Equal((13, 20), p.In(ScheduleUnit.Batch));
    }

    [Fact]
    public void Constant_is_constant()
    {
        var schedule = new ConstantSchedule(0.05f);
        Assert.All(new[] { (0, 0), (3, 2), (9, 4) }, p => Assert.Equal(0.05f, At(schedule, p.Item1, p.Item2)));
    }

    [Fact]
    public void Linear_decay_goes_from_initial_to_final_in_a_straight_line()
    {
        var schedule = new LinearDecaySchedule(0.1f, 0.01f);
        Near(0.1, At(schedule, 0));
        Near(0.1 - 0.09 * 3 / 9, At(schedule, 3));
        Near(0.1 - 0.09 * 3 / 9, At(schedule, 3, batch: 4)); // constant within an epoch
        Near(0.01, At(schedule, 9));
        // lincoln: subtract (initial − final)/(epochs − 1) after every epoch.
        double lr = 0.1;
        for (int e = 0; e < Epochs; e++, lr -= 0.09 / 9) Near(lr, At(schedule, e));

        var perBatch = new LinearDecaySchedule(0.1f, 0.01f, ScheduleUnit.Batch);
        Near(0.1 + (0.01 - 0.1) * 7 / 49, At(perBatch, 1, 2));
        Near(0.01, At(perBatch, 9, 4));
        Near(0.1, At(schedule, 0, epochs: 1)); // a one-epoch run stays at the initial rate
    }

    [Fact]
    public void Exponential_decay_multiplies_by_a_constant_factor_per_epoch_like_lincoln()
    {
        var schedule = new ExponentialDecaySchedule(0.1f, 0.001f);
        double factor = Math.Pow(0.001 / 0.1, 1.0 / (Epochs - 1)), lr = 0.1;
        for (int e = 0; e < Epochs; e++, lr *= factor) Near(lr, At(schedule, e, batch: e % Batches));
        Near(0.001, At(schedule, 9));
        Near(0.1 * Math.Pow(0.01, 4.0 / 9), At(schedule, 4));

        var perBatch = new ExponentialDecaySchedule(0.1f, 0.001f, ScheduleUnit.Batch);
        Near(0.1 * Math.Pow(0.01, 12.0 / 49), At(perBatch, 2, 2));
        Near(0.1, At(schedule, 0, epochs: 1));
    }

    [Fact]
    public void Step_decay_multiplies_by_gamma_every_step_size()
    {
        var schedule = new StepDecaySchedule(0.1f, stepSize: 3, gamma: 0.5f);
        double[] expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
        for (int e = 0; e < Epochs; e++) Near(expected[e], At(schedule, e, batch: 4));

        var perBatch = new StepDecaySchedule(0.1f, stepSize: 4, gamma: 0.1f, ScheduleUnit.Batch);
        Near(0.1, At(perBatch, 0, 3));
        Near(0.01, At(perBatch, 0, 4));
        Near(0.001, At(perBatch, 1, 3)); // step 8
    }

    [Fact]
    public void Cosine_annealing_follows_half_a_cosine_towards_the_minimum()
    {
        var schedule = new CosineAnnealingSchedule(0.1f, 0.001f);
        for (int e = 0; e < Epochs; e++)
            Near(0.001 + 0.099 * (1 + Math.Cos(Math.PI * e / Epochs)) / 2, At(schedule, e));
        Near(0.1, At(schedule, 0));
        Near(0.0505, At(schedule, 5));

        // With the default minimum 0 the last rate is still positive (the minimum would come one step after the end).
        var toZero = new CosineAnnealingSchedule(0.1f, unit: ScheduleUnit.Batch);
        Near(0.1 * (1 + Math.Cos(Math.PI * 49 / 50)) / 2, At(toZero, 9, 4));
        Assert.True(At(toZero, 9, 4) > 0);
    }

    [Fact]
    public void Linear_warmup_ramps_the_inner_schedule_over_the_first_steps()
    {
        var schedule = new LinearWarmupSchedule(new ConstantSchedule(0.1f), warmupSteps: 4);
        Near(0.025, At(schedule, 0, 0));
        Near(0.05, At(schedule, 0, 1));
        Near(0.075, At(schedule, 0, 2));
        Near(0.1, At(schedule, 0, 3));
        Near(0.1, At(schedule, 0, 4));
        Near(0.1, At(schedule, 6, 2));

        // Wrapping a per-epoch cosine, the warm-up spans the first 7 batches (into epoch 1).
        var cosine = new CosineAnnealingSchedule(0.1f);
        var warm = new LinearWarmupSchedule(cosine, warmupSteps: 7);
        Near(At(cosine, 1, 1) * 7.0 / 7, At(warm, 1, 1));
        Near(At(cosine, 1, 0) * 6.0 / 7, At(warm, 1, 0));
        Near(At(cosine, 0, 2) * 3.0 / 7, At(warm, 0, 2));
        Near(At(cosine, 4, 0), At(warm, 4, 0));

        var epochWarmup = new LinearWarmupSchedule(new ConstantSchedule(0.2f), 2, ScheduleUnit.Epoch);
        Near(0.1, At(epochWarmup, 0, 4));
        Near(0.2, At(epochWarmup, 1, 0));
    }

    public static TheoryData<string, Func<LearningRateSchedule>> InvalidSchedules => new()
    {
        { "rate", () => new ConstantSchedule(0f) },
        { "initialRate", () => new LinearDecaySchedule(-0.1f, 0.01f) },
        { "finalRate", () => new LinearDecaySchedule(0.1f, 0f) },
        { "initialRate", () => new ExponentialDecaySchedule(float.NaN, 0.01f) },
        { "finalRate", () => new ExponentialDecaySchedule(0.1f, -1f) },
        { "stepSize", () => new StepDecaySchedule(0.1f, 0) },
        { "gamma", () => new StepDecaySchedule(0.1f, 2, 0f) },
        { "initialRate", () => new CosineAnnealingSchedule(float.PositiveInfinity) },
        { "minimumRate", () => new CosineAnnealingSchedule(0.1f, 0.1f) },
        { "minimumRate", () => new CosineAnnealingSchedule(0.1f, -0.01f) },
        { "warmupSteps", () => new LinearWarmupSchedule(new ConstantSchedule(0.1f), 0) },
        { "unit", () => new LinearDecaySchedule(0.1f, 0.01f, (ScheduleUnit)7) },
    };

    [Theory]
    [MemberData(nameof(InvalidSchedules))]
    public void Invalid_arguments_are_rejected_with_the_name_and_value(string name, Func<LearningRateSchedule> create)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => create());
        Assert.Equal(name, exception.ParamName);
        Assert.Contains("got", exception.Message.Replace("unknown", "got"));
    }

    [Fact]
    public void Warmup_needs_an_inner_schedule() =>
        Assert.Throws<ArgumentNullException>(() => new LinearWarmupSchedule(null!, 3));

    [Theory]
    [InlineData(-1, 0, 5, 10, "epoch")]
    [InlineData(10, 0, 5, 10, "epoch")]
    [InlineData(0, 5, 5, 10, "batch")]
    [InlineData(0, 0, 0, 10, "batchesPerEpoch")]
    [InlineData(0, 0, 5, 0, "epochs")]
    public void Invalid_positions_are_rejected(int epoch, int batch, int batches, int epochs, string name)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new SchedulePosition(epoch, batch, batches, epochs));
        Assert.Equal(name, exception.ParamName);
        Assert.Throws<InvalidOperationException>(() => new LinearDecaySchedule(0.1f, 0.01f).RateAt(default));
    }
}
