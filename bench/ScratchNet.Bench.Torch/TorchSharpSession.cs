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
/// TorchSharp's side: the same architecture built from torch.nn modules, CrossEntropyLoss and
/// torch.optim.SGD with the preset's learning rate and momentum, starting from the very weights
/// ScratchNet draws for the same seed (so the accuracies are directly comparable).
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
        long pixels = _imageShape[0] * _imageShape[1] * _imageShape[2];
        _model = preset.Name switch
        {
            // Conv2d(1→16, 5×5, padding 2, no bias) → tanh → flatten → Linear(16·H·W → 10).
            "seed-cnn" => nn.Sequential(
                ("conv", nn.Conv2d(_imageShape[0], 16, 5, padding: 2, bias: false)),
                ("tanh", nn.Tanh()),
                ("flatten", nn.Flatten()),
                ("dense", nn.Linear(16 * _imageShape[1] * _imageShape[2], train.ClassCount))),
            // Flatten → Linear(C·H·W → 128) → ReLU → Linear(128 → 10).
            "mlp" => nn.Sequential(
                ("flatten", nn.Flatten()),
                ("dense1", nn.Linear(pixels, 128)),
                ("relu", nn.ReLU()),
                ("dense2", nn.Linear(128, train.ClassCount))),
            _ => throw new ArgumentException($"No TorchSharp twin for model '{preset.Name}'."),
        };
        CopyInitialWeights(preset, seed, [(int)_imageShape[0], (int)_imageShape[1], (int)_imageShape[2]]);
        _model.train();
        _optimizer = optim.SGD(_model.parameters(), preset.LearningRate, preset.Momentum);
        _loss = nn.CrossEntropyLoss();
    }

    /// <inheritdoc />
    public int ReportedThreads => torch.get_num_threads();

    /// <inheritdoc />
    public string Version => $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__}";

    /// <inheritdoc />
    public float Step(ReadOnlySpan<int> indices)
    {
        // Every tensor made inside the scope (batch, activations, loss) is freed at its end; parameters,
        // gradients and momentum buffers live outside it.
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
    public (double Loss, double Accuracy) Evaluate(ImageDataset data)
    {
        _model.eval();
        double lossSum = 0;
        long correct = 0;
        float[] images = [];
        long[] labels = [];
        using (torch.no_grad())
        {
            for (int start = 0; start < data.Count; start += 1000)
            {
                using var scope = torch.NewDisposeScope();
                int count = Math.Min(1000, data.Count - start);
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
    /// Sets the model's parameters to the initial weights ScratchNet draws for the same preset and seed.
    /// Both list their parameters in the same order with the same layouts (OIHW conv weights, [out, in]
    /// dense weights, then biases), which is checked shape by shape.
    /// </summary>
    private void CopyInitialWeights(ModelPreset preset, int seed, int[] sampleShape)
    {
        NeuralNetwork reference = preset.CreateNetwork(seed: seed);
        reference.Build(sampleShape);
        var source = reference.NamedParameters().ToList();
        var target = _model.named_parameters().ToList();
        if (source.Count != target.Count)
            throw new InvalidOperationException(
                $"ScratchNet's {preset.Name} has {source.Count} parameters ({string.Join(", ", source.Select(p => p.Name))}) " +
                $"but the TorchSharp model has {target.Count} ({string.Join(", ", target.Select(p => p.name))}).");
        using var noGrad = torch.no_grad();
        for (int i = 0; i < source.Count; i++)
        {
            ScratchNet.Tensor value = source[i].Parameter.Value;
            long[] shape = value.Shape.ToArray().Select(d => (long)d).ToArray();
            if (!shape.SequenceEqual(target[i].parameter.shape))
                throw new InvalidOperationException(
                    $"Parameter {source[i].Name} is {value.ShapeText} in ScratchNet but {target[i].name} is " +
                    $"[{string.Join(", ", target[i].parameter.shape)}] in TorchSharp.");
            using var copy = torch.tensor(value.Span.ToArray(), shape);
            target[i].parameter.copy_(copy);
        }
    }
}
