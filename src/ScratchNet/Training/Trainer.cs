using System.Diagnostics;
using ScratchNet.Data;
using ScratchNet.Optimizers;
using ScratchNet.Optimizers.Schedules;

namespace ScratchNet.Training;

/// <summary>
/// Trains a network with an optimizer: each epoch shuffles the training set, takes a gradient step per
/// batch, and every <see cref="TrainingOptions.EvalEvery"/> epochs reports validation loss and accuracy. With a
/// <see cref="TrainingOptions.Schedule"/>, the optimizer's learning rate is set from it before every batch.
/// </summary>
public sealed class Trainer(NeuralNetwork network, Optimizer optimizer)
{
    /// <summary>The network being trained.</summary>
    public NeuralNetwork Network { get; } = network ?? throw new ArgumentNullException(nameof(network));

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; } = optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <summary>Raised after every batch.</summary>
    public event Action<BatchProgress>? BatchCompleted;

    /// <summary>Raised after every epoch, with validation figures on evaluated epochs.</summary>
    public event Action<EpochResult>? EpochCompleted;

    /// <summary>
    /// Trains on <paramref name="train"/> and evaluates on <paramref name="validation"/>. Cancelling stops
    /// after the current batch and returns the epochs finished so far.
    /// </summary>
    /// <remarks>
    /// Every epoch draws its shuffling order, augmentation and dropout masks from generators seeded with
    /// (seed, epoch) alone, so epoch e is the same whether or not the run was interrupted before it.
    /// </remarks>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public IReadOnlyList<EpochResult> Fit(ImageDataset train, ImageDataset validation, TrainingOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options.Validate();
        if (!train.ImageShape.SequenceEqual(validation.ImageShape))
            throw new ArgumentException(
                $"Training images are {Tensor.FormatShape(train.ImageShape)} but validation images are {Tensor.FormatShape(validation.ImageShape)}.");
        Network.Build(train.ImageShape);
        int[] order = new int[train.Count];
        var batches = new BatchBuffer(train);
        var history = new List<EpochResult>();
        int batchCount = (train.Count + options.BatchSize - 1) / options.BatchSize;
        float[] scratch = new float[train.Images.SampleLength];
        var best = new WeightSnapshot();
        double bestAccuracy = double.NegativeInfinity, bestLoss = double.PositiveInfinity;
        int stale = 0;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var random = new Random(EpochSeed(options.Seed, epoch, 0));
            for (int i = 0; i < order.Length; i++) order[i] = i;
            random.Shuffle(order);
            ReseedStochasticOperations(options.Seed, epoch);
            double lossSum = 0;
            int images = 0;
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < batchCount; b++)
            {
                if (cancellation.IsCancellationRequested) return Finish(history, best, options);
                int start = b * options.BatchSize;
                ReadOnlySpan<int> indices = order.AsSpan(start, Math.Min(options.BatchSize, train.Count - start));
                var (x, y) = batches.Fill(indices);
                options.Augmentation?.Apply(x, random, scratch);
                ApplySchedule(options.Schedule, epoch, b, batchCount, options.Epochs);
                float loss = Network.TrainBatch(x, y);
                if (!float.IsFinite(loss))
                    throw new TrainingDivergedException(epoch, b + 1, loss, Optimizer.LearningRate);
                Optimizer.Step(Network.Parameters);
                lossSum += loss;
                images += indices.Length;
                BatchCompleted?.Invoke(new BatchProgress(epoch, b + 1, batchCount, lossSum / (b + 1), images));
            }
            double seconds = clock.Elapsed.TotalSeconds;
            Evaluation? evaluation = epoch % options.EvalEvery == 0 || epoch == options.Epochs
                ? Evaluation.Run(Network, validation, options.EvaluationBatchSize)
                : null;
            var result = new EpochResult(epoch, lossSum / batchCount, evaluation?.Loss, evaluation?.Accuracy, seconds, images / seconds);
            history.Add(result);
            EpochCompleted?.Invoke(result);

            if (evaluation is null) continue;
            // Model selection on validation accuracy, the lower loss breaking ties.
            if (evaluation.Accuracy > bestAccuracy || (evaluation.Accuracy == bestAccuracy && evaluation.Loss < bestLoss))
            {
                (bestAccuracy, bestLoss, stale) = (evaluation.Accuracy, evaluation.Loss, 0);
                if (options.RestoreBestWeights || options.Patience is not null) best.Take(Network);
            }
            else if (options.Patience is { } patience && ++stale >= patience)
            {
                break;
            }
        }
        return Finish(history, best, options);
    }

    private IReadOnlyList<EpochResult> Finish(List<EpochResult> history, WeightSnapshot best, TrainingOptions options)
    {
        if ((options.RestoreBestWeights || options.Patience is not null) && !best.IsEmpty) best.Restore(Network);
        return history;
    }

    /// <summary>The seed of epoch <paramref name="epoch"/>'s random numbers for stream <paramref name="stream"/> (a fixed mix of the three).</summary>
    internal static int EpochSeed(int seed, int epoch, int stream) =>
        unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)epoch * 40503u) ^ ((uint)stream * 2246822519u)));

    private void ReseedStochasticOperations(int seed, int epoch)
    {
        int stream = 1;
        foreach (var layer in Network.Layers)
            foreach (var op in layer.Operations)
                if (op is Operations.IStochastic stochastic) stochastic.Reseed(EpochSeed(seed, epoch, stream++));
    }

    // The learning-rate schedule, if any, sets the rate for the batch about to be taken (epoch from 1, batch from 0).
    private void ApplySchedule(LearningRateSchedule? schedule, int epoch, int batch, int batchCount, int epochs)
    {
        if (schedule is not null)
            Optimizer.LearningRate = schedule.RateAt(new SchedulePosition(epoch - 1, batch, batchCount, epochs));
    }
}
