using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Tests.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>NeuralNetwork: structure, parameter naming and counting, the skipped first input gradient, whole-network gradient checks.</summary>
public class NetworkTests
{
    // The notebook's model: Conv2D(16, 5×5, same, no bias, tanh, flatten) → Dense(10, linear).
    private static NeuralNetwork NotebookModel() => new(
        [new Conv2D(16, 5, padding: Padding.Same, bias: false, activation: new Tanh(), flatten: true), new Dense(10)],
        new SoftmaxCrossEntropy());

    [Fact]
    public void Notebook_model_has_125850_parameters_with_pytorch_names()
    {
        NeuralNetwork network = NotebookModel();
        network.Build([1, 28, 28]);
        Assert.Equal(16 * 25 + 10 * 16 * 28 * 28 + 10, network.ParameterCount);
        Assert.Equal(125_850, network.ParameterCount);
        Assert.Equal(["0.weight", "1.weight", "1.bias"], network.NamedParameters().Select(p => p.Name));
        Assert.Equal([16, 1, 5, 5], network.Parameters[0].Value.Shape.ToArray());
        Assert.Equal([10, 12544], network.Parameters[1].Value.Shape.ToArray());
        Assert.Equal([10], network.Parameters[2].Value.Shape.ToArray());
    }

    [Fact]
    public void Parameters_are_collected_when_the_network_builds_itself_on_first_forward()
    {
        NeuralNetwork network = NotebookModel();
        Assert.Empty(network.Parameters);
        Tensor logits = network.Forward(TestData.Uniform(1, 2, 1, 28, 28));
        Assert.Equal([2, 10], logits.Shape.ToArray());
        Assert.Equal(3, network.Parameters.Count);
        Assert.Equal(125_850, network.ParameterCount);
    }

    [Fact]
    public void First_layer_skips_its_input_gradient_and_later_layers_compute_theirs()
    {
        var network = new NeuralNetwork(
            [new Conv2D(2, 3, activation: new Tanh()), new Conv2D(2, 3, activation: new Tanh(), flatten: true), new Dense(3)],
            new SoftmaxCrossEntropy());
        Tensor x = TestData.Uniform(2, 2, 1, 4, 5);
        network.TrainBatch(x, TestData.OneHot(3, 2, 3));

        Operation first = network.Layers[0].Operations[0];
        Assert.False(network.Layers[0].ComputesInputGradient);
        Assert.False(first.ComputesInputGradient);
        Assert.True(network.Layers[1].ComputesInputGradient);
        Assert.True(network.Layers[1].Operations[0].ComputesInputGradient);
        Assert.True(network.Layers[2].Operations[0].ComputesInputGradient);

        // The first convolution still fills its weight gradient…
        Assert.Contains(network.Parameters[0].Gradient.Span.ToArray(), g => g != 0);
        // …but returns no input gradient, from the operation or from the layer.
        Tensor dz0 = TestData.Uniform(4, 2, 2, 4, 5);
        Assert.Null(first.Backward(dz0));
        network.Layers[0].Forward(x, training: true);
        Assert.Null(network.Layers[0].Backward(dz0));

        Tensor hidden = network.Layers[0].Forward(x, training: true).Clone();
        Tensor y1 = network.Layers[1].Forward(hidden, training: true);
        Tensor? dx1 = network.Layers[1].Backward(TestData.Uniform(5, y1.Shape.ToArray()));
        Assert.NotNull(dx1);
        Assert.Equal([2, 2, 4, 5], dx1.Shape.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Whole_network_gradient_check_passes(int batch)
    {
        var network = new NeuralNetwork(
            [new Conv2D(3, 3, stride: 2, activation: new Sigmoid()), new Flatten(), new Dense(4, new Tanh()), new Dense(3)],
            new SoftmaxCrossEntropy(), seed: 3);
        GradientCheckReport report = GradientChecker.Check(network, TestData.Uniform(6, batch, 2, 5, 7), TestData.SoftTargets(7, batch, 3));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"], report.Errors.Select(e => e.Name));
        Assert.True(report.Passed(GradientChecker.DefaultTolerance), report.ToString());
    }

    [Fact]
    public void Network_with_mean_squared_error_passes_the_gradient_check()
    {
        var network = new NeuralNetwork([new Dense(5, new Tanh()), new Dense(2)], new MeanSquaredError(), seed: 4);
        GradientCheckReport report = GradientChecker.Check(network, TestData.Uniform(8, 3, 4), TestData.Uniform(9, 3, 2));
        Assert.Equal(4, report.Errors.Count);
        Assert.True(report.Passed(GradientChecker.DefaultTolerance), report.ToString());
    }

    [Fact]
    public void Predict_returns_a_copy_the_next_forward_does_not_overwrite()
    {
        NeuralNetwork network = NotebookModel();
        Tensor a = network.Predict(TestData.Uniform(10, 1, 1, 28, 28));
        float[] before = a.Span.ToArray();
        network.Forward(TestData.Uniform(11, 1, 1, 28, 28));
        Assert.Equal(before, a.Span.ToArray());
    }

    [Fact]
    public void Network_rejects_an_empty_layer_list_and_reused_layers()
    {
        Assert.Throws<ArgumentException>(() => new NeuralNetwork([], new SoftmaxCrossEntropy()));
        var dense = new Dense(2);
        var first = new NeuralNetwork([dense], new SoftmaxCrossEntropy());
        first.Forward(new Tensor(1, 3));
        Assert.Throws<ArgumentException>(() => new NeuralNetwork([dense], new SoftmaxCrossEntropy()));
    }
}
