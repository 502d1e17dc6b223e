using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>
/// The three most common mistakes of a library user fail with the messages docs/library.md shows, word for word, and
/// each says which layer or setting is at fault.
/// </summary>
public class CommonMistakeMessageTests
{
    private static ImageDataset Images() =>
        new(new Tensor(8, 1, 28, 28), new int[8], Enumerable.Range(0, 10).Select(i => $"class {i}").ToArray());

    [Fact]
    public void Dense_without_Flatten_names_the_layer_by_index_and_says_to_flatten()
    {
        var network = new NeuralNetwork([new Conv2D(4, 3), new Dense(10)], new SoftmaxCrossEntropy(), seed: 1);
        var error = Assert.Throws<ShapeMismatchException>(() => network.Predict(new Tensor(8, 1, 28, 28)));
        Assert.Equal("Layer 1 of 2 (Dense): expected input [batch, features], but got [batch, 4, 28, 28]. " +
            "Add a Flatten layer (or flatten: true on the Conv2D) before it.", error.Message);
    }

    [Fact]
    public void A_last_layer_of_the_wrong_width_is_named_before_training()
    {
        var network = new NeuralNetwork([new Conv2D(4, 3), new Flatten(), new Dense(5)], new SoftmaxCrossEntropy(), seed: 1);
        var error = Assert.Throws<ShapeMismatchException>(() =>
            new Trainer(network, new SGD(0.01f)).Fit(Images(), Images(), new TrainingOptions { Epochs = 1, BatchSize = 4 }));
        Assert.Equal("The last layer, 2 (Dense), gives outputs [5] per sample, but the training data has 10 classes: " +
            "it must give [10] (for example Dense(10) last).", error.Message);
    }

    [Fact]
    public void A_batch_size_of_zero_names_the_setting_and_the_value()
    {
        var network = new NeuralNetwork([new Flatten(), new Dense(10)], new SoftmaxCrossEntropy(), seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new Trainer(network, new SGD(0.01f)).Fit(Images(), Images(), new TrainingOptions { Epochs = 1, BatchSize = 0 }));
        Assert.Equal("BatchSize must be a positive number, got 0. (Parameter 'BatchSize')\nActual value was 0.", error.Message);
    }

    [Fact]
    public void A_layer_inside_the_network_is_named_once_even_when_built_explicitly()
    {
        var network = new NeuralNetwork([new Flatten(), new Dense(10), new Conv2D(2, 3)], new SoftmaxCrossEntropy(), seed: 1);
        var error = Assert.Throws<ShapeMismatchException>(() => network.Build([1, 28, 28]));
        Assert.StartsWith("Layer 2 of 3 (Conv2D): ", error.Message);
        Assert.DoesNotContain("Layer 2 of 3 (Conv2D): Layer", error.Message);
    }
}
