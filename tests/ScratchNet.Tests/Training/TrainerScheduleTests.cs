using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Optimizers;
using ScratchNet.Optimizers.Schedules;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>Trainer.Fit with <see cref="TrainingOptions.Schedule"/>: the optimizer's rate is the schedule's for every batch.</summary>
public class TrainerScheduleTests
{
    private static List<(int Epoch, int Batch, float Rate)> RatesSeen(LearningRateSchedule? schedule, Optimizer optimizer)
    {
        ImageDataset train = TrainerTests.TopOrBottom(32, 1), validation = TrainerTests.TopOrBottom(8, 2);
        var network = new NeuralNetwork([new Flatten(), new Dense(2)], new SoftmaxCrossEntropy());
        var trainer = new Trainer(network, optimizer);
        var rates = new List<(int, int, float)>();
        trainer.BatchCompleted += p => rates.Add((p.Epoch, p.Batch, optimizer.LearningRate));
        trainer.Fit(train, validation, new TrainingOptions { Epochs = 3, BatchSize = 8, Schedule = schedule });
        return rates;
    }

    [Fact]
    public void A_per_epoch_schedule_sets_the_rate_once_per_epoch()
    {
        var schedule = new StepDecaySchedule(0.2f, stepSize: 1, gamma: 0.5f);
        var rates = RatesSeen(schedule, new SGD(1f));
        Assert.Equal(12, rates.Count); // 3 epochs × 4 batches
        foreach (var (epoch, batch, rate) in rates)
            Assert.Equal(0.2f * MathF.Pow(0.5f, epoch - 1), rate);
    }

    [Fact]
    public void A_per_batch_schedule_sets_the_rate_before_every_batch()
    {
        var schedule = new LinearWarmupSchedule(new LinearDecaySchedule(0.1f, 0.01f, ScheduleUnit.Batch), warmupSteps: 3);
        var rates = RatesSeen(schedule, new Adam());
        for (int i = 0; i < rates.Count; i++)
        {
            var (epoch, batch, rate) = rates[i];
            Assert.Equal(schedule.RateAt(new SchedulePosition(epoch - 1, batch - 1, 4, 3)), rate);
        }
        Assert.Equal(rates.Count, rates.Select(r => r.Rate).Distinct().Count());
    }

    [Fact]
    public void Without_a_schedule_the_rate_is_left_alone()
    {
        var rates = RatesSeen(null, new SGDMomentum(0.03f));
        Assert.All(rates, r => Assert.Equal(0.03f, r.Rate));
    }
}
