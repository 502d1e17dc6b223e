using System.Numerics.Tensors;
using ScratchNet.Distributed;
using ScratchNet.Operations;

namespace ScratchNet.Training;

/// <summary>
/// One training step of a worker in data-parallel training: the worker takes its share of the global batch
/// (<see cref="BatchShare"/>), computes the gradient of that share, and the workers sum their gradients with one
/// all-reduce of one contiguous buffer, after which every worker holds the gradient of the whole batch.
/// </summary>
/// <remarks>
/// <para>
/// The loss averages over the rows it sees, so the gradient of a share of k rows out of n is weighted by k/n before
/// the sum: Σ_r (k_r/n)·(1/k_r)·Σ_{rows of r} g = (1/n)·Σ_{all rows} g, the gradient one process computes for the
/// batch (up to rounding: the sums run in another order). The loss and the count of correct answers travel in the
/// same buffer, with a flag that is non-zero when any worker was asked to stop, so all stop after the same batch.
/// </para>
/// <para>
/// Randomness stays what one process draws for the same images: every worker steps the augmentation generator over
/// the whole batch and applies the draws of its own rows, and dropout draws by position in the global batch
/// (<see cref="IBatchSliced"/>). Batch normalisation is the exception: it normalises with the statistics of the
/// worker's rows (as PyTorch's DistributedDataParallel does by default), and <see cref="AverageBuffers"/> averages
/// the running statistics.
/// </para>
/// </remarks>
internal sealed class DataParallelStep
{
    private readonly NeuralNetwork _network;
    private readonly IWorkerGroup _workers;
    private readonly float[] _buffer; // every parameter's gradient in network order, then the loss, the correct count, the stop flag
    private Tensor? _images, _targets;

    public DataParallelStep(NeuralNetwork network, IWorkerGroup workers)
    {
        (_network, _workers) = (network, workers);
        _buffer = new float[network.Parameters.Sum(p => p.Gradient.Length) + 3];
    }

    /// <summary>
    /// Trains this worker's share of <paramref name="images"/> and sums the gradients, the loss and the correct answers
    /// over the workers; returns the global batch's mean loss, its correct answers, and whether any worker must stop.
    /// </summary>
    public (float Loss, int Correct, bool Stop) Run(Tensor images, Tensor targets, Augmentation? augmentation, Random random,
        Span<float> scratch, bool stopRequested)
    {
        int rows = images.Dim(0);
        BatchShare share = BatchShare.Of(rows, _workers.Rank, _workers.Size);
        float loss = 0;
        int correct = 0;
        augmentation?.Skip(random, share.Start);
        if (share.Count > 0)
        {
            Tensor x = CopyRows(images, share, ref _images), y = CopyRows(targets, share, ref _targets);
            augmentation?.Apply(x, random, scratch);
            SetFirstRow(share.Start);
            loss = _network.TrainBatch(x, y);
            correct = Trainer.CountCorrect(_network.LastOutput!, y);
        }
        else
        {
            SkipStochasticDraws(); // a batch smaller than the group: this worker idles but keeps dropout in step
        }
        augmentation?.Skip(random, rows - share.Start - share.Count);
        float weight = (float)share.Count / rows;
        Pack(weight, share.Count > 0);
        _buffer[^3] = loss * weight;
        _buffer[^2] = correct;
        _buffer[^1] = stopRequested ? 1 : 0;
        _workers.SumInPlace(_buffer);
        Unpack();
        return (_buffer[^3], (int)_buffer[^2], _buffer[^1] > 0);
    }

    /// <summary>Replaces every buffer (batch normalisation's running statistics) by its mean over the workers.</summary>
    public void AverageBuffers()
    {
        NamedBuffer[] buffers = [.. _network.NamedBuffers().Select(b => b.Buffer)];
        if (buffers.Length == 0) return;
        float[] values = new float[buffers.Sum(b => b.Value.Length)];
        int at = 0;
        foreach (NamedBuffer b in buffers) { b.Value.Span.CopyTo(values.AsSpan(at)); at += b.Value.Length; }
        _workers.SumInPlace(values);
        TensorPrimitives.Divide(values, _workers.Size, values);
        at = 0;
        foreach (NamedBuffer b in buffers) { values.AsSpan(at, b.Value.Length).CopyTo(b.Value.Span); at += b.Value.Length; }
    }

    // Rows [share.Start, share.Start + share.Count) of a batch, copied into a reused tensor.
    private static Tensor CopyRows(Tensor batch, BatchShare share, ref Tensor? cache)
    {
        int[] shape = [.. batch.Shape];
        shape[0] = share.Count;
        Tensor rows = Tensor.Reuse(ref cache, shape);
        batch.Span.Slice(share.Start * batch.SampleLength, share.Count * batch.SampleLength).CopyTo(rows.Span);
        return rows;
    }

    private void Pack(float weight, bool hasGradients)
    {
        int at = 0;
        foreach (Parameter p in _network.Parameters)
        {
            Span<float> target = _buffer.AsSpan(at, p.Gradient.Length);
            if (hasGradients) TensorPrimitives.Multiply(p.Gradient.Span, weight, target);
            else target.Clear();
            at += p.Gradient.Length;
        }
    }

    private void Unpack()
    {
        int at = 0;
        foreach (Parameter p in _network.Parameters)
        {
            _buffer.AsSpan(at, p.Gradient.Length).CopyTo(p.Gradient.Span);
            at += p.Gradient.Length;
        }
    }

    private void SetFirstRow(int row)
    {
        foreach (var layer in _network.Layers)
            foreach (var op in layer.Operations)
                if (op is IBatchSliced sliced) sliced.FirstRow = row;
    }

    private void SkipStochasticDraws()
    {
        foreach (var layer in _network.Layers)
            foreach (var op in layer.Operations)
                if (op is IStochastic stochastic) stochastic.Skip(1);
    }
}
