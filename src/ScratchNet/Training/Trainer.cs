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
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public IReadOnlyList<EpochResult> Fit(ImageDataset train, ImageDataset validation, TrainingOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options.Validate();
        if (!train.ImageShape.SequenceEqual(validation.ImageShape))
            throw new ArgumentException(
                $"Training images are {Tensor.FormatShape(train.ImageShape)} but validation images are {Tensor.FormatShape(validation.ImageShape)}.");
        var random = new Random(options.Seed);
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        var batches = new BatchBuffer(train);
        var history = new List<EpochResult>();
        int batchCount = (train.Count + options.BatchSize - 1) / options.BatchSize;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            random.Shuffle(order);
            double lossSum = 0;
            int images = 0;
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < batchCount; b++)
            {
                if (cancellation.IsCancellationRequested) return history;
                int start = b * options.BatchSize;
                ReadOnlySpan<int> indices = order.AsSpan(start, Math.Min(options.BatchSize, train.Count - start));
                var (x, y) = batches.Fill(indices);
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
        }
        return history;
    }

    // The learning-rate schedule, if any, sets the rate for the batch about to be taken (epoch from 1, batch from 0).
    private void ApplySchedule(LearningRateSchedule? schedule, int epoch, int batch, int batchCount, int epochs)
    {
        if (schedule is not null)
            Optimizer.LearningRate = schedule.RateAt(new SchedulePosition(epoch - 1, batch, batchCount, epochs));
    }
}
