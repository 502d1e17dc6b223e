using ScratchNet.Data;
using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>Augmentation, validation splits, model selection and early stopping, presets.</summary>
public sealed class AugmentationAndSelectionTests
{
    [Fact]
    public void Augmentation_ShiftsAndFlipsLikeTheDefinition_FillingWithTheBackground()
    {
        // One 3×4 image with distinct values; the background (minimum) is 1.
        var batch = new Tensor([1f, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 1, 1, 3, 4);
        var original = batch.Clone();
        var random = new Random(3);
        // Replay the draws Apply makes, to know which shift and flip it chose.
        var replay = new Random(3);
        int dy = replay.Next(-1, 2), dx = replay.Next(-1, 2);
        bool flip = replay.Next(2) == 1;

        new Augmentation(MaxShift: 1).Apply(batch, random, new float[12]);

        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 4; x++)
        {
            int sy = y - dy, sx = (flip ? 3 - x : x) - dx;
            float expected = sy is >= 0 and < 3 && sx is >= 0 and < 4 ? original[sy * 4 + sx] : 1f;
            Assert.Equal(expected, batch[y * 4 + x]);
        }
    }

    [Fact]
    public void Augmentation_OverManyImages_UsesEveryShiftAndBothOrientations()
    {
        var batch = new Tensor(400, 1, 5, 5);
        for (int n = 0; n < 400; n++) batch[n * 25 + 12] = 1f; // a dot in the centre of each image
        new Augmentation(MaxShift: 2).Apply(batch, new Random(1), new float[25]);
        var positions = Enumerable.Range(0, 400).Select(n => batch.Span.Slice(n * 25, 25).IndexOf(1f)).ToHashSet();
        Assert.Equal(25, positions.Count); // every (dy, dx) in [−2, 2]² was drawn
    }

    [Fact]
    public void Split_IsSeededDisjointAndComplete()
    {
        ImageDataset data = TrainerTests.TopOrBottom(50, seed: 1);
        var (train, validation) = data.Split(10, seed: 4);
        var (train2, validation2) = data.Split(10, seed: 4);

        Assert.Equal(40, train.Count);
        Assert.Equal(10, validation.Count);
        Assert.Equal(validation.Images.Span.ToArray(), validation2.Images.Span.ToArray());
        Assert.Equal(data.Images.Span.ToArray().Order(), train.Images.Span.ToArray().Concat(validation.Images.Span.ToArray()).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(50, 1));
    }

    [Fact]
    public void RestoreBestWeights_PutsBackTheBestValidationEpoch()
    {
        ImageDataset train = TrainerTests.TopOrBottom(64, seed: 1), validation = TrainerTests.TopOrBottom(32, seed: 2);
        var network = new NeuralNetwork([new Flatten(), new Dense(8, new Tanh()), new Dense(2)], new SoftmaxCrossEntropy(), seed: 3);
        var trainer = new Trainer(network, new SGDMomentum(0.05f));
        float[]? bestWeights = null;
        double best = -1, bestLoss = double.MaxValue;
        trainer.EpochCompleted += r =>
        {
            // The documented rule: higher accuracy, or equal accuracy and lower loss.
            if (r.ValidationAccuracy > best || (r.ValidationAccuracy == best && r.ValidationLoss < bestLoss))
                (best, bestLoss, bestWeights) = (r.ValidationAccuracy!.Value, r.ValidationLoss!.Value, network.Parameters[0].Value.Span.ToArray());
        };

        trainer.Fit(train, validation, new TrainingOptions { Epochs = 6, BatchSize = 8, RestoreBestWeights = true });

        Assert.Equal(bestWeights, network.Parameters[0].Value.Span.ToArray());
        Assert.Equal(best, Evaluation.Run(network, validation).Accuracy);
    }

    [Fact]
    public void Patience_StopsAfterThatManyEvaluationsWithoutImprovement()
    {
        // Validation labels are noise, so accuracy cannot keep improving for long.
        ImageDataset train = TrainerTests.TopOrBottom(32, seed: 1);
        ImageDataset noise = TrainerTests.TopOrBottom(32, seed: 2);
        var shuffled = new ImageDataset(noise.Images, noise.Labels.Select((l, i) => (i * 7 / 3) % 2).ToArray(), noise.ClassNames);
        var network = new NeuralNetwork([new Flatten(), new Dense(2)], new SoftmaxCrossEntropy(), seed: 1);

        var history = new Trainer(network, new SGD(0.01f)).Fit(train, shuffled, new TrainingOptions { Epochs = 50, BatchSize = 8, Patience = 2 });

        Assert.True(history.Count < 50, $"trained all {history.Count} epochs");
        int bestEpoch = history.Select((r, i) => (r, i)).MaxBy(p => (p.r.ValidationAccuracy, -p.r.ValidationLoss!.Value)).i;
        Assert.Equal(bestEpoch + 2 + 1, history.Count); // the best, then exactly two without improvement
    }

    [Fact]
    public void EpochRandomness_DependsOnlyOnSeedAndEpoch()
    {
        Assert.Equal(Trainer.EpochSeed(1, 3, 0), Trainer.EpochSeed(1, 3, 0));
        Assert.NotEqual(Trainer.EpochSeed(1, 3, 0), Trainer.EpochSeed(1, 4, 0));
        Assert.NotEqual(Trainer.EpochSeed(1, 3, 0), Trainer.EpochSeed(2, 3, 0));
        Assert.NotEqual(Trainer.EpochSeed(1, 3, 0), Trainer.EpochSeed(1, 3, 1));
    }

    [Fact]
    public void SplitMix64_IsDeterministicAndRoughlyUniform()
    {
        float[] a = new float[10001], b = new float[10001];
        new SplitMix64(42).NextSingles(a);
        new SplitMix64(42).NextSingles(b);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, 0f, 0.99999994f));
        Assert.InRange(a.Average(), 0.49, 0.51);
        Assert.InRange(a.Count(v => v < 0.25f) / (double)a.Length, 0.24, 0.26);
    }

    [Theory]
    [InlineData("seed-cnn", 125_850)]
    [InlineData("lenet5", 61_706)]
    [InlineData("fashion-cnn", 468_138)]
    [InlineData("mlp", 101_770)]
    public void Presets_BuildWithTheExpectedParameterCounts(string name, int parameters)
    {
        NeuralNetwork network = ModelPreset.Find(name).CreateNetwork();
        network.Build([1, 28, 28]);
        Assert.Equal(parameters, network.ParameterCount);
        Assert.Equal([4, 10], network.Forward(new Tensor(4, 1, 28, 28), training: true).Shape.ToArray());
    }

    [Fact]
    public void Presets_UnknownName_ListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelPreset.Find("resnet"));
        Assert.Contains("seed-cnn, mlp, lenet5, fashion-cnn", e.Message);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void OptimizerCatalog_CreatesEveryNamedOptimizer(string name)
    {
        Optimizer optimizer = OptimizerCatalog.Create(name, 0.01f);
        Assert.Equal(0.01f, optimizer.LearningRate);
    }

    [Fact]
    public void OptimizerCatalog_CosineSchedule_StartsAtTheRateAndFallsTowardTheFinalOne()
    {
        var schedule = OptimizerCatalog.CreateSchedule("cosine", 0.1f, 0.001f, epochs: 10, batchesPerEpoch: 100)!;
        float first = schedule.RateAt(new ScratchNet.Optimizers.Schedules.SchedulePosition(0, 0, 100, 10));
        float last = schedule.RateAt(new ScratchNet.Optimizers.Schedules.SchedulePosition(9, 99, 100, 10));
        Assert.Equal(0.1f, first, 5);
        Assert.InRange(last, 0.001f, 0.0011f);
        Assert.Null(OptimizerCatalog.CreateSchedule("constant", 0.1f, 0.001f, 10));
    }
}
