using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Models;

/// <summary>
/// A named architecture with the training settings it was tuned for, so that
/// <c>scratchnet train --model NAME</c> works without further flags.
/// </summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Description">One line for help and tables.</param>
/// <param name="LearningRate">Default learning rate.</param>
/// <param name="Momentum">Default momentum of SGDMomentum.</param>
/// <param name="BatchSize">Default batch size.</param>
/// <param name="Epochs">Default number of epochs.</param>
/// <param name="CreateLayers">Creates fresh, unbuilt layers.</param>
public sealed record ModelPreset(
    string Name, string Description, float LearningRate, float Momentum, int BatchSize, int Epochs,
    Func<IReadOnlyList<Layer>> CreateLayers)
{
    /// <summary>
    /// The seed notebook's model: Conv2D(16, 5×5, same, no bias, tanh, flatten) → Dense(10, linear) with
    /// softmax cross-entropy and SGD with momentum 0.9, batch 60. 125,850 parameters on 28×28 images.
    /// The notebook used lr 0.1, which diverges even in a correct implementation; 0.01 is the default here.
    /// </summary>
    public static ModelPreset SeedCnn { get; } = new(
        "seed-cnn", "the notebook's CNN: Conv2D 16@5x5 same, tanh, flatten -> Dense 10",
        LearningRate: 0.01f, Momentum: 0.9f, BatchSize: 60, Epochs: 10,
        () => [new Conv2D(16, 5, padding: Operations.Padding.Same, bias: false, activation: new Tanh(), flatten: true), new Dense(10)]);

    /// <summary>A plain two-layer perceptron: Flatten → Dense(128, ReLU) → Dense(10).</summary>
    public static ModelPreset Mlp { get; } = new(
        "mlp", "two dense layers: Flatten -> Dense 128 ReLU -> Dense 10",
        LearningRate: 0.01f, Momentum: 0.9f, BatchSize: 60, Epochs: 10,
        () => [new Flatten(), new Dense(128, new ReLU()), new Dense(10)]);

    /// <summary>Every preset, by name.</summary>
    public static IReadOnlyList<ModelPreset> All { get; } = [SeedCnn, Mlp];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No preset has that name; the message lists the valid ones.</exception>
    public static ModelPreset Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown model '{name}'. Valid models: {string.Join(", ", All.Select(p => p.Name))}.");

    /// <summary>Creates the network with softmax cross-entropy, weights drawn with <paramref name="init"/> from <paramref name="seed"/>.</summary>
    public NeuralNetwork CreateNetwork(WeightInit init = WeightInit.Glorot, int seed = 1)
    {
        IReadOnlyList<Layer> layers = CreateLayers();
        foreach (Layer layer in layers) layer.WeightInit = init;
        return new NeuralNetwork(layers, new SoftmaxCrossEntropy(), seed);
    }
}
