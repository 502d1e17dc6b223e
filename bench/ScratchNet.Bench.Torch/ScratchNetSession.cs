using ScratchNet.Data;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Bench.Torch;

/// <summary>ScratchNet's side: the preset's network and optimizer, the caller's thread count.</summary>
public sealed class ScratchNetSession : IEngineSession
{
    private readonly NeuralNetwork _network;
    private readonly Optimizer _optimizer;
    private readonly ImageDataset _train;
    private readonly int _channels, _height, _width;
    private Tensor? _images, _targets;

    /// <summary>Creates the network for <paramref name="preset"/> and its optimizer (<see cref="CreateOptimizer"/>).</summary>
    public ScratchNetSession(ModelPreset preset, ImageDataset train, int threads, int seed)
    {
        _train = train;
        (_channels, _height, _width) = (train.Images.Dim(1), train.Images.Dim(2), train.Images.Dim(3));
        _network = preset.CreateNetwork(seed: seed);
        _network.Build([_channels, _height, _width]); // the weights the first step would draw, now, to count them
        _network.Threads = threads;
        _optimizer = CreateOptimizer(preset);
    }

    /// <summary>
    /// The preset's optimizer with its learning rate, momentum and weight decay; <see cref="TorchSharpSession"/>
    /// builds its twin from this one.
    /// </summary>
    /// <remarks>
    /// The learning rate stays constant on both sides, whatever the preset's schedule (fashion-cnn's is cosine):
    /// a schedule changes the size of each step, not its work, so it does not matter for speed.
    /// </remarks>
    public static Optimizer CreateOptimizer(ModelPreset preset) =>
        OptimizerCatalog.Create(preset.Optimizer, preset.LearningRate, preset.Momentum, preset.WeightDecay);

    /// <inheritdoc />
    public int ReportedThreads => _network.Threads;

    /// <inheritdoc />
    public long ParameterCount => _network.Parameters.Sum(p => (long)p.Value.Length);

    /// <inheritdoc />
    public string Version => typeof(NeuralNetwork).Assembly.GetName().Version?.ToString(3) ?? "?";

    /// <inheritdoc />
    public float Step(ReadOnlySpan<int> indices)
    {
        // The same work as Trainer.Fit's inner loop: batch into reused tensors, TrainBatch, optimiser step.
        Tensor images = Tensor.Reuse(ref _images, indices.Length, _channels, _height, _width);
        Tensor targets = Tensor.Reuse(ref _targets, indices.Length, _train.ClassCount);
        _train.CopyBatch(indices, images, targets);
        float loss = _network.TrainBatch(images, targets);
        _optimizer.Step(_network.Parameters);
        return loss;
    }

    /// <inheritdoc />
    public (double Loss, double Accuracy) Evaluate(ImageDataset data, int batchSize)
    {
        var evaluation = Evaluation.Run(_network, data, batchSize);
        return (evaluation.Loss, evaluation.Accuracy);
    }

    /// <inheritdoc />
    public void Dispose() { }
}
