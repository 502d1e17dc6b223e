using System.Diagnostics;
using ScratchNet.Data;
using ScratchNet.Optimizers;
using ScratchNet.Optimizers.Schedules;
using ScratchNet.Operations;

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
    /// after the current batch and returns the epochs finished so far. Passing the <paramref name="state"/>
    /// of an earlier run (from a checkpoint, with the network and optimizer restored) continues it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every epoch draws its shuffling order, augmentation and dropout masks from generators seeded with
    /// (seed, epoch) alone, so epoch e is the same whether or not the run was interrupted before it.
    /// <see cref="EpochCompleted"/> is raised once <paramref name="state"/> includes the epoch, the moment
    /// to write a checkpoint.
    /// </para>
    /// <para>
    /// The network learns how it is fed: when it has no <see cref="NeuralNetwork.Normalization"/> or
    /// <see cref="NeuralNetwork.ClassNames"/>, it takes those of <paramref name="train"/>, so a model saved after training
    /// can be evaluated and used for prediction without further settings.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The training and validation images differ in shape, or the network's normalisation, the training set's and the
    /// validation set's are not the same.
    /// </exception>
    /// <exception cref="ShapeMismatchException">
    /// A layer does not accept the shape it is given, or the last layer's output is not one score per class of
    /// <paramref name="train"/>; the message says which layer.
    /// </exception>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite.</exception>
    public IReadOnlyList<EpochResult> Fit(IBatchSource train, IBatchSource validation, TrainingOptions options,
        CancellationToken cancellation = default, TrainingState? state = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options.Validate();
        int[] sampleShape = [.. train.SampleShape];
        if (!sampleShape.SequenceEqual(validation.SampleShape))
            throw new ArgumentException(
                $"Training images are {Tensor.FormatShape(sampleShape)} but validation images are {Tensor.FormatShape([.. validation.SampleShape])}.");
        RecordFeeding(train, validation);
        Network.Build(sampleShape);
        int[] outputShape = Network.OutputSampleShape(sampleShape);
        if (train.ClassNames.Count > 0 && (outputShape.Length != 1 || outputShape[0] != train.ClassNames.Count))
            throw new ShapeMismatchException(
                $"The last layer, {Network.Layers.Count - 1} ({Network.Layers[^1].GetType().Name}), gives outputs {Tensor.FormatShape([.. outputShape])} " +
                $"per sample, but the training data has {train.ClassNames.Count} classes: it must give [{train.ClassNames.Count}] " +
                $"(for example Dense({train.ClassNames.Count}) last).");
        State = state ??= new TrainingState();
        int[] order = new int[train.Count];
        int batchCount = (int)(((long)train.Count + options.BatchSize - 1) / options.BatchSize); // long: a batch size near int.MaxValue
        float[] scratch = new float[sampleShape.Aggregate(1, (a, b) => a * b)];
        bool selecting = options.RestoreBestWeights || options.Patience is not null;
        DataParallelStep? parallel = options.Workers.Size > 1 ? new DataParallelStep(Network, options.Workers) : null;
        bool stopAgreed = false; // data-parallel: a worker was asked to stop, and all stop before the same batch

        for (int epoch = state.CompletedEpochs + 1; epoch <= options.Epochs && !state.StoppedEarly; epoch++)
        {
            var random = new Random(EpochSeed(options.Seed, epoch, 0));
            for (int i = 0; i < order.Length; i++) order[i] = i;
            random.Shuffle(order);
            ReseedStochasticOperations(options.Seed, epoch);
            // A run interrupted mid-epoch resumes at its next batch, with every generator advanced past the batches done.
            int first = epoch == state.CompletedEpochs + 1 ? state.BatchesDone : 0;
            var (lossSum, correct, images, previousSeconds) = first > 0 ? state.Partial : (0, 0, 0, 0);
            if (first > 0) SkipRandomness(options, random, first * options.BatchSize, first);
            var clock = Stopwatch.StartNew();
            using IBatchPass batches = train.BeginPass(order, options.BatchSize, first);
            for (int b = first; b < batchCount; b++)
            {
                if (parallel is null ? cancellation.IsCancellationRequested : stopAgreed)
                {
                    state.BatchesDone = b;
                    state.Partial = (lossSum, correct, images, previousSeconds + clock.Elapsed.TotalSeconds);
                    return state.History; // the weights stay as they are, ready for a checkpoint
                }
                var (x, y) = batches.Next();
                float loss;
                if (parallel is null)
                {
                    options.Augmentation?.Apply(x, random, scratch);
                    ApplySchedule(options.Schedule, epoch, b, batchCount, options.Epochs);
                    loss = Network.TrainBatch(x, y);
                    correct += CountCorrect(Network.LastOutput!, y);
                }
                else
                {
                    ApplySchedule(options.Schedule, epoch, b, batchCount, options.Epochs);
                    (loss, int batchCorrect, stopAgreed) = parallel.Run(x, y, options.Augmentation, random, scratch, cancellation.IsCancellationRequested);
                    correct += batchCorrect;
                }
                if (!float.IsFinite(loss))
                    throw new TrainingDivergedException(epoch, b + 1, $"the loss became {loss}", Optimizer.LearningRate);
                if (Network.FirstNonFiniteGradient() is { } bad)
                    throw new TrainingDivergedException(epoch, b + 1, $"the gradient of {bad} holds NaN or infinite values", Optimizer.LearningRate);
                Optimizer.Step(Network.Parameters);
                lossSum += loss;
                images += x.Dim(0);
                BatchCompleted?.Invoke(new BatchProgress(epoch, b + 1, batchCount, lossSum / (b + 1), images, (double)correct / images, previousSeconds + clock.Elapsed.TotalSeconds));
            }
            state.BatchesDone = 0;
            state.Partial = default;
            double seconds = previousSeconds + clock.Elapsed.TotalSeconds;
            parallel?.AverageBuffers(); // workers' running statistics differ (each normalised its own rows); evaluate and save their mean
            Evaluation? evaluation = epoch % options.EvalEvery == 0 || epoch == options.Epochs
                ? Evaluation.Run(Network, validation, options.EvaluationBatchSize)
                : null;
            if (evaluation is not null) Select(state, evaluation, selecting, options.Patience);
            var result = new EpochResult(epoch, lossSum / batchCount, evaluation?.Loss, evaluation?.Accuracy, seconds, images / seconds, (double)correct / images);
            state.History.Add(result);
            state.CompletedEpochs = epoch;
            EpochCompleted?.Invoke(result);
        }
        return Finish(state, selecting);
    }

    // The network keeps the standardisation and class names it is trained with, for Save; a normalisation set by the
    // user is never replaced, and one that disagrees with the data's means the images are not what the model expects.
    private void RecordFeeding(IBatchSource train, IBatchSource validation)
    {
        Standardizer? data = train.Standardization;
        if (data is not null && validation.Standardization is { } other && !other.Equals(data))
            throw new ArgumentException($"The training set is standardised with {data} but the validation set with {other}.", nameof(validation));
        if (data is not null && Network.Normalization is { } set && !set.Equals(data))
            throw new ArgumentException(
                $"The network's Normalization is {set} but the training set is standardised with {data}; " +
                "standardise the data with the network's Normalization, or leave Normalization unset.", nameof(train));
        Network.Normalization ??= data;
        Network.ClassNames ??= train.ClassNames;
    }

    // Rows whose largest output is the target's class (for one-hot or soft targets: the target's largest entry).
    internal static int CountCorrect(Tensor outputs, Tensor targets)
    {
        int classes = outputs.SampleLength, correct = 0;
        for (int n = 0; n < outputs.Dim(0); n++)
            if (Evaluation.ArgMax(outputs.Span.Slice(n * classes, classes)) == Evaluation.ArgMax(targets.Span.Slice(n * classes, classes)))
                correct++;
        return correct;
    }

    /// <summary>The state of the last (or current) <see cref="Fit"/>, for checkpoints.</summary>
    public TrainingState? State { get; private set; }

    // Model selection on validation accuracy, the lower loss breaking ties; early stopping counts evaluations without a new best.
    private void Select(TrainingState state, Evaluation evaluation, bool selecting, int? patience)
    {
        if (evaluation.Accuracy > state.BestAccuracy || (evaluation.Accuracy == state.BestAccuracy && evaluation.Loss < state.BestLoss))
        {
            (state.BestAccuracy, state.BestLoss, state.EvaluationsWithoutImprovement) = (evaluation.Accuracy, evaluation.Loss, 0);
            if (selecting) WeightSnapshot.Take(Network, state.BestWeights);
        }
        else if (++state.EvaluationsWithoutImprovement >= patience)
        {
            state.StoppedEarly = true;
        }
    }

    private IReadOnlyList<EpochResult> Finish(TrainingState state, bool selecting)
    {
        if (selecting && state.BestWeights.Count > 0) WeightSnapshot.Restore(Network, state.BestWeights);
        return state.History;
    }

    /// <summary>The seed of epoch <paramref name="epoch"/>'s random numbers for stream <paramref name="stream"/> (a fixed mix of the three).</summary>
    internal static int EpochSeed(int seed, int epoch, int stream) =>
        unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)epoch * 40503u) ^ ((uint)stream * 2246822519u)));

    private void SkipRandomness(TrainingOptions options, Random random, int images, int batches)
    {
        options.Augmentation?.Skip(random, images);
        foreach (var layer in Network.Layers)
            foreach (var op in layer.Operations)
                if (op is Operations.IStochastic stochastic) stochastic.Skip(batches);
    }

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
