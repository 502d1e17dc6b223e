using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Tests.Serialization;

/// <summary>A run resumed from a checkpoint ends with exactly the weights of a run never interrupted.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static NeuralNetwork Network() => new(
        [new Conv2D(4, 3, bias: false), new BatchNorm(), new ActivationLayer(new ReLU()), new MaxPool2D(2), new Dropout(0.3f),
         new Flatten(), new Dense(2)],
        new SoftmaxCrossEntropy(), seed: 7);

    private static TrainingOptions Options(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 8, Seed = 3, Augmentation = new Augmentation(1), Patience = 10,
        Schedule = OptimizerCatalog.CreateSchedule("cosine", 0.01f, 0.0001f, epochs, batchesPerEpoch: 5),
    };

    [Theory]
    [InlineData("adam")]
    [InlineData("nesterov")]
    public void ResumeAfterAnyEpoch_GivesTheSameWeightsAsAnUninterruptedRun(string optimizerName)
    {
        ImageDataset train = Training.TrainerTests.TopOrBottom(40, seed: 1), validation = Training.TrainerTests.TopOrBottom(16, seed: 2);

        NeuralNetwork straight = Network();
        straight.Threads = 2;
        new Trainer(straight, OptimizerCatalog.Create(optimizerName, 0.01f)).Fit(train, validation, Options(4));

        // The same run, stopped after epoch 2 (cancelled as the epoch completes) and checkpointed.
        NeuralNetwork first = Network();
        first.Threads = 2;
        Optimizer firstOptimizer = OptimizerCatalog.Create(optimizerName, 0.01f);
        var trainer = new Trainer(first, firstOptimizer);
        using var cancel = new CancellationTokenSource();
        string path = Path.Combine(_folder, "checkpoint.safetensors");
        trainer.EpochCompleted += r =>
        {
            Checkpoint.Save(path, first, firstOptimizer, trainer.State!, new Dictionary<string, string> { ["optimizer"] = optimizerName });
            if (r.Epoch == 2) cancel.Cancel();
        };
        trainer.Fit(train, validation, Options(4), cancel.Token);

        var (resumed, optimizerState, state, settings) = Checkpoint.Load(path);
        Assert.Equal(2, state.CompletedEpochs);
        Assert.Equal(optimizerName, settings["optimizer"]);
        resumed.Threads = 2;
        Optimizer optimizer = OptimizerCatalog.Create(optimizerName, 0.01f);
        optimizer.LoadState(optimizerState, resumed.Parameters);
        var history = new Trainer(resumed, optimizer).Fit(train, validation, Options(4), default, state);

        Assert.Equal(4, history.Count);
        foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            TestData.AssertBitIdentical(a.Value.Span, b.Value.Span, name);
        foreach (var ((name, a), (_, b)) in straight.NamedBuffers().Zip(resumed.NamedBuffers()))
            TestData.AssertBitIdentical(a.Value.Span, b.Value.Span, name);
    }

    [Fact]
    public void ResumeInTheMiddleOfAnEpoch_GivesTheSameWeightsAsAnUninterruptedRun()
    {
        ImageDataset train = Training.TrainerTests.TopOrBottom(40, seed: 1), validation = Training.TrainerTests.TopOrBottom(16, seed: 2);
        NeuralNetwork straight = Network();
        var straightHistory = new Trainer(straight, OptimizerCatalog.Create("adam", 0.01f)).Fit(train, validation, Options(3));

        // Interrupted (as by Ctrl-C) after batch 3 of epoch 2, then checkpointed as the command does.
        NeuralNetwork first = Network();
        Optimizer firstOptimizer = OptimizerCatalog.Create("adam", 0.01f);
        var trainer = new Trainer(first, firstOptimizer);
        using var cancel = new CancellationTokenSource();
        trainer.BatchCompleted += p =>
        {
            if (p.Epoch == 2 && p.Batch == 3) cancel.Cancel();
        };
        trainer.Fit(train, validation, Options(3), cancel.Token);
        Assert.Equal(3, trainer.State!.BatchesDone);
        string path = Path.Combine(_folder, "checkpoint.safetensors");
        Checkpoint.Save(path, first, firstOptimizer, trainer.State!, new Dictionary<string, string>());

        var (resumed, optimizerState, state, _) = Checkpoint.Load(path);
        Optimizer optimizer = OptimizerCatalog.Create("adam", 0.01f);
        optimizer.LoadState(optimizerState, resumed.Parameters);
        var history = new Trainer(resumed, optimizer).Fit(train, validation, Options(3), default, state);

        foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            TestData.AssertBitIdentical(a.Value.Span, b.Value.Span, name);
        Assert.Equal(straightHistory.Select(r => (r.TrainLoss, r.TrainAccuracy, r.ValidationAccuracy)),
            history.Select(r => (r.TrainLoss, r.TrainAccuracy, r.ValidationAccuracy)));
    }

    [Fact]
    public void LoadingAModelFileAsACheckpoint_SaysWhatItIs()
    {
        NeuralNetwork network = Network();
        network.Build([1, 4, 4]);
        string path = Path.Combine(_folder, "model.safetensors");
        network.Save(path);
        var e = Assert.Throws<ModelFileException>(() => Checkpoint.Load(path));
        Assert.Contains("not a checkpoint", e.Message);
    }

    [Fact]
    public void OptimizerState_WithAWrongSize_IsRejectedWithItsName()
    {
        NeuralNetwork network = Network();
        network.Build([1, 4, 4]);
        var optimizer = new SGDMomentum(0.1f);
        var bad = new Dictionary<string, float[]> { ["velocity.0"] = new float[3] };
        var e = Assert.Throws<ArgumentException>(() => optimizer.LoadState(bad, network.Parameters));
        Assert.Contains("velocity.0", e.Message);
    }
}
