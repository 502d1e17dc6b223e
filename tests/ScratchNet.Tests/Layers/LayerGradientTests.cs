using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Tests.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Layers;

/// <summary>Layers checked numerically as a whole (input and every parameter) with the public GradientChecker.</summary>
public class LayerGradientTests
{
    // Biases start at zero; give them values so that a gradient check covers a non-trivial point.
    internal static void Randomize(Layer layer, int seed)
    {
        foreach (Parameter p in layer.Parameters)
            TestData.Uniform(seed++, -0.5f, 0.5f, p.Value.Shape.ToArray()).Span.CopyTo(p.Value.Span);
    }

    [Theory]
    [InlineData("Linear")]
    [InlineData("Tanh")]
    [InlineData("Sigmoid")]
    public void Dense_gradients_are_right(string activation)
    {
        Operation op = activation switch { "Tanh" => new Tanh(), "Sigmoid" => new Sigmoid(), _ => new Linear() };
        var layer = new Dense(4, op);
        layer.Build([6]);
        Randomize(layer, 1);
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, TestData.Uniform(10, 3, 6)), "input", "weight", "bias");
    }

    [Fact]
    public void Dense_without_bias_has_only_a_weight()
    {
        var layer = new Dense(3, bias: false);
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, TestData.Uniform(11, 2, 5)), "input", "weight");
    }

    [Fact]
    public void Dense_with_relu_gradients_are_right_away_from_the_kink()
    {
        // Weights and inputs chosen so that every pre-activation is well away from 0.
        var layer = new Dense(2, new ReLU(), bias: false);
        layer.Build([2]);
        Tensor w = Tensor.FromArray([1f, 0.5f, -1f, 2f], 2, 2);
        w.Span.CopyTo(layer.Parameters[0].Value.Span);
        Tensor x = Tensor.FromArray([1f, 1f, -1f, 1f, 1f, -1f], 3, 2);
        // pre-activations: [1.5, 1], [-0.5, 3], [0.5, -3]
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, x), "input", "weight");
    }

    [Theory]
    [InlineData(true, false, 1)]
    [InlineData(false, false, 1)]
    [InlineData(true, true, 1)]
    [InlineData(false, true, 2)]
    [InlineData(true, true, 2)]
    public void Conv2D_gradients_are_right(bool bias, bool flatten, int stride)
    {
        var layer = new Conv2D(3, 3, stride, bias: bias, activation: new Tanh(), flatten: flatten, kernelWidth: 2);
        layer.Build([2, 5, 6]);
        Randomize(layer, 20);
        Tensor x = TestData.Uniform(21, 2, 2, 5, 6);
        Tensor y = layer.Forward(x);
        int oh = (5 + stride - 1) / stride, ow = (6 + stride - 1) / stride;
        Assert.Equal(flatten ? [2, 3 * oh * ow] : [2, 3, oh, ow], y.Shape.ToArray());
        string[] names = bias ? ["input", "weight", "bias"] : ["input", "weight"];
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, x), names);
    }

    [Fact]
    public void Flatten_layer_gradient_is_right()
    {
        var layer = new Flatten();
        Tensor x = TestData.Uniform(30, 2, 3, 4, 2);
        Assert.Equal([2, 24], layer.Forward(x).Shape.ToArray());
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, x), "input");
    }
}
