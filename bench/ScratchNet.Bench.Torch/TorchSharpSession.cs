using System.Runtime.InteropServices;
using ScratchNet.Data;
using ScratchNet.Models;
using ScratchNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace ScratchNet.Bench.Torch;

/// <summary>
/// TorchSharp's side: the same architecture built from torch.nn modules (<see cref="TorchSharpModels"/>),
/// CrossEntropyLoss and the torch.optim twin of the preset's optimizer with the same settings, starting from the
/// very weights (and batch-norm running statistics) ScratchNet draws for the same seed, so the accuracies are
/// directly comparable.
/// </summary>
/// <remarks>
/// Only construct this after <see cref="ElfVersionPatch.PrepareTorchSharp"/>: the first use of
/// <c>torch</c> loads libLibTorchSharp.so.
/// </remarks>
public sealed class TorchSharpSession : IEngineSession
{
    private readonly Sequential _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Loss<TorchTensor, TorchTensor, TorchTensor> _loss;
    private readonly ImageDataset _train;
    private readonly long[] _imageShape;
    private float[] _images = [];
    private long[] _labels = [];
    private TorchTensor? _imageTensor, _labelTensor;

    /// <summary>Builds the model for <paramref name="preset"/> and sets libtorch's thread counts.</summary>
    public TorchSharpSession(ModelPreset preset, ImageDataset train, int threads, int seed)
    {
        // Intra-op (OpenMP) threads, and the inter-op pool, which must be sized before libtorch first uses it.
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(threads);
        torch.manual_seed(seed);
        _train = train;
        _imageShape = [train.Images.Dim(1), train.Images.Dim(2), train.Images.Dim(3)];
        _model = TorchSharpModels.Create(preset, _imageShape, train.ClassCount);
        CopyInitialState(preset, seed, [(int)_imageShape[0], (int)_imageShape[1], (int)_imageShape[2]]);
        _model.train();
        _optimizer = TorchOptimizer(ScratchNetSession.CreateOptimizer(preset));
        _loss = nn.CrossEntropyLoss();
    }

    /// <inheritdoc />
    public int ReportedThreads => torch.get_num_threads();

    /// <inheritdoc />
    public long ParameterCount => _model.parameters().Sum(p => p.numel());

    /// <inheritdoc />
    public string Version => $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__}";

    /// <inheritdoc />
    public float Step(ReadOnlySpan<int> indices)
    {
        // Every tensor made inside the scope (batch, activations, loss) is freed at its end; parameters,
        // gradients and the optimiser's state live outside it.
        using var scope = torch.NewDisposeScope();
        CopyBatch(_train, indices, ref _images, ref _labels);
        TorchTensor images = BatchTensor(ref _imageTensor, [indices.Length, _imageShape[0], _imageShape[1], _imageShape[2]], ScalarType.Float32);
        TorchTensor labels = BatchTensor(ref _labelTensor, [indices.Length], ScalarType.Int64);
        images.bytes = MemoryMarshal.AsBytes(_images.AsSpan());
        labels.bytes = MemoryMarshal.AsBytes(_labels.AsSpan());
        _optimizer.zero_grad();
        TorchTensor loss = _loss.call(_model.call(images), labels);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <inheritdoc />
    public (double Loss, double Accuracy) Evaluate(ImageDataset data, int batchSize)
    {
        _model.eval();
        double lossSum = 0;
        long correct = 0;
        float[] images = [];
        long[] labels = [];
        using (torch.no_grad())
        {
            for (int start = 0; start < data.Count; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                int count = Math.Min(batchSize, data.Count - start);
                int[] indices = Enumerable.Range(start, count).ToArray();
                CopyBatch(data, indices, ref images, ref labels);
                TorchTensor x = torch.tensor(images, [count, _imageShape[0], _imageShape[1], _imageShape[2]]);
                TorchTensor y = torch.tensor(labels, [count]);
                TorchTensor logits = _model.call(x);
                lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
        }
        _model.train();
        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _imageTensor?.Dispose();
        _labelTensor?.Dispose();
        _optimizer.Dispose();
        _loss.Dispose();
        _model.Dispose();
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> that lives across steps (outside the dispose scope), so each
    /// step copies the batch into native memory once instead of going through a fresh managed array.
    /// </summary>
    private static TorchTensor BatchTensor(ref TorchTensor? cache, long[] shape, ScalarType type)
    {
        if (cache is null || !cache.shape.SequenceEqual(shape))
        {
            cache?.Dispose();
            cache = torch.empty(shape, type);
            cache.DetachFromDisposeScope();
        }
        return cache;
    }

    /// <summary>Copies images and class indices into arrays of exactly the batch's size (reused while it stays the same).</summary>
    private static void CopyBatch(ImageDataset data, ReadOnlySpan<int> indices, ref float[] images, ref long[] labels)
    {
        int sample = data.Images.SampleLength;
        if (images.Length != indices.Length * sample) images = new float[indices.Length * sample];
        if (labels.Length != indices.Length) labels = new long[indices.Length];
        ReadOnlySpan<float> source = data.Images.Span;
        for (int b = 0; b < indices.Length; b++)
        {
            source.Slice(indices[b] * sample, sample).CopyTo(images.AsSpan(b * sample, sample));
            labels[b] = data.Labels[indices[b]];
        }
    }

    /// <summary>
    /// The torch.optim twin of ScratchNet's optimizer <paramref name="reference"/>, with its learning rate, momentum
    /// or β₁, β₂, ε, and weight decay (both follow PyTorch's update rules).
    /// </summary>
    private optim.Optimizer TorchOptimizer(ScratchNet.Optimizers.Optimizer reference) => reference switch
    {
        ScratchNet.Optimizers.SGDMomentum sgd => optim.SGD(_model.parameters(), sgd.LearningRate, sgd.Momentum,
            weight_decay: sgd.WeightDecay, nesterov: sgd.Nesterov),
        ScratchNet.Optimizers.Adam adam => optim.Adam(_model.parameters(), adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon,
            weight_decay: adam.WeightDecay),
        _ => throw new ArgumentException($"No TorchSharp twin for the optimizer {reference.GetType().Name}."),
    };

    /// <summary>
    /// Sets the model's parameters to the initial weights ScratchNet draws for the same preset and seed, and its
    /// batch-norm running statistics to ScratchNet's (mean 0 and variance 1 on both sides, but copying keeps them
    /// equal by construction). Both list their parameters in the same order with the same layouts (OIHW conv
    /// weights, [out, in] dense weights, then biases; a batch norm's γ "weight" before its β "bias"), which is
    /// checked name and shape by name and shape.
    /// </summary>
    private void CopyInitialState(ModelPreset preset, int seed, int[] sampleShape)
    {
        NeuralNetwork reference = preset.CreateNetwork(seed: seed);
        reference.Build(sampleShape);
        long expected = reference.Parameters.Sum(p => (long)p.Value.Length);
        if (ParameterCount != expected)
            throw new InvalidOperationException(
                $"ScratchNet's {preset.Name} has {expected:N0} parameters but its TorchSharp twin has {ParameterCount:N0}: they are not the same model.");
        using var noGrad = torch.no_grad();
        Copy(preset, "parameters",
            reference.NamedParameters().Select(p => (p.Name, p.Parameter.Value)).ToList(),
            _model.named_parameters().Select(p => (p.name, (TorchTensor)p.parameter)).ToList());
        // libtorch's batch norms also count their batches in "num_batches_tracked", which only matters without a
        // momentum; ScratchNet has no such buffer.
        Copy(preset, "buffers",
            reference.NamedBuffers().Select(b => (b.Name, b.Buffer.Value)).ToList(),
            _model.named_buffers().Where(b => !b.name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList());
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="target"/>, pairwise in order, after checking that both
    /// have the same count and that each pair has the same shape and the same last name part ("weight", "bias",
    /// "running_mean", …); the module names before it may differ.
    /// </summary>
    private static void Copy(ModelPreset preset, string what,
        List<(string Name, ScratchNet.Tensor Value)> source, List<(string Name, TorchTensor Value)> target)
    {
        if (source.Count != target.Count)
            throw new InvalidOperationException(
                $"ScratchNet's {preset.Name} has {source.Count} {what} ({string.Join(", ", source.Select(p => p.Name))}) " +
                $"but the TorchSharp model has {target.Count} ({string.Join(", ", target.Select(p => p.Name))}).");
        for (int i = 0; i < source.Count; i++)
        {
            ScratchNet.Tensor value = source[i].Value;
            long[] shape = value.Shape.ToArray().Select(d => (long)d).ToArray();
            if (!shape.SequenceEqual(target[i].Value.shape) || LastPart(source[i].Name) != LastPart(target[i].Name))
                throw new InvalidOperationException(
                    $"{source[i].Name} is {value.ShapeText} in ScratchNet but {target[i].Name} is " +
                    $"[{string.Join(", ", target[i].Value.shape)}] in TorchSharp.");
            using var copy = torch.tensor(value.Span.ToArray(), shape);
            target[i].Value.copy_(copy);
        }
    }

    private static string LastPart(string name) => name[(name.LastIndexOf('.') + 1)..];
}
