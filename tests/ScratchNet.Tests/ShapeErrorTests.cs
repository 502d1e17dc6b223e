using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Tests;

/// <summary>Wrong shapes fail early with messages that name the operation or layer and the shapes involved.</summary>
public class ShapeErrorTests
{
    [Fact]
    public void Backward_with_a_wrong_gradient_shape_names_the_operation_and_both_shapes()
    {
        var tanh = new Tanh();
        tanh.Forward(new Tensor(2, 3));
        var exception = Assert.Throws<ShapeMismatchException>(() => tanh.Backward(new Tensor(3, 2)));
        Assert.Contains("Tanh", exception.Message);
        Assert.Contains("[3, 2]", exception.Message);
        Assert.Contains("[2, 3]", exception.Message);
    }

    [Fact]
    public void Conv_backward_with_a_wrong_gradient_shape_throws_before_touching_the_weight_gradient()
    {
        var conv = new Conv2DOperation(new Parameter("weight", TestData.Uniform(1, 2, 1, 3, 3)), 1, 1, Padding.Same);
        conv.Forward(TestData.Uniform(2, 1, 1, 4, 5), training: true);
        conv.Parameter.Gradient.Fill(7f);
        var exception = Assert.Throws<ShapeMismatchException>(() => conv.Backward(new Tensor(1, 2, 5, 4)));
        Assert.Contains(conv.Name, exception.Message);
        Assert.Contains("[1, 2, 5, 4]", exception.Message);
        Assert.Contains("[1, 2, 4, 5]", exception.Message);
        Assert.All(conv.Parameter.Gradient.Span.ToArray(), g => Assert.Equal(7f, g));
    }

    [Fact]
    public void Backward_before_forward_says_so()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new Sigmoid().Backward(new Tensor(1, 1)));
        Assert.Contains("Sigmoid", exception.Message);
    }

    [Fact]
    public void Layer_pins_the_shape_it_was_built_for()
    {
        var layer = new Conv2D(2, 3);
        layer.Forward(new Tensor(2, 1, 28, 28));
        var exception = Assert.Throws<ShapeMismatchException>(() => layer.Forward(new Tensor(2, 1, 28, 27)));
        Assert.Contains("1, 28, 28", exception.Message);
        Assert.Contains("[2, 1, 28, 27]", exception.Message);
        Assert.Contains("Conv2D", exception.Message);
        // Three channels where one was built: both shapes are named.
        var channels = Assert.Throws<ShapeMismatchException>(() => layer.Forward(new Tensor(2, 3, 28, 28)));
        Assert.Contains("[batch, 1, 28, 28]", channels.Message);
        Assert.Contains("[2, 3, 28, 28]", channels.Message);
        // Another batch size is fine.
        Assert.Equal([5, 2, 28, 28], layer.Forward(new Tensor(5, 1, 28, 28)).Shape.ToArray());
    }

    [Fact]
    public void Dense_given_images_says_to_flatten()
    {
        var exception = Assert.Throws<ShapeMismatchException>(() => new Dense(10).Forward(new Tensor(2, 1, 28, 28)));
        Assert.Contains("Flatten", exception.Message);
        Assert.Contains("1, 28, 28", exception.Message);
    }

    [Fact]
    public void Convolution_given_the_wrong_channel_count_names_the_weight_shape_and_channels()
    {
        var conv = new Conv2DOperation(new Parameter("weight", new Tensor(4, 3, 3, 3)), 1, 1, Padding.Same);
        var exception = Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor(1, 2, 5, 5)));
        Assert.Contains("[4, 3, 3, 3]", exception.Message); // the weight
        Assert.Contains("[batch, 3,", exception.Message);   // the channels it expects
        Assert.Contains("[1, 2, 5, 5]", exception.Message); // what it got
    }

    [Fact]
    public void Conv2D_layer_given_a_non_image_input_says_NCHW()
    {
        var exception = Assert.Throws<ShapeMismatchException>(() => new Conv2D(2, 3).Forward(new Tensor(2, 28, 28)));
        Assert.Contains("NCHW", exception.Message);
    }

    [Fact]
    public void Kernel_larger_than_the_padded_input_is_rejected_at_build()
    {
        var exception = Assert.Throws<ShapeMismatchException>(() => new Conv2D(2, 5, padding: Padding.Valid).Forward(new Tensor(1, 1, 3, 4)));
        Assert.Contains("5×5", exception.Message);
        Assert.Contains("3×4", exception.Message);
    }

    [Fact]
    public void Dense_weight_multiply_rejects_the_wrong_feature_count()
    {
        var op = new WeightMultiply(new Parameter("weight", new Tensor(3, 4)));
        var exception = Assert.Throws<ShapeMismatchException>(() => op.Forward(new Tensor(2, 5)));
        Assert.Contains("[3, 4]", exception.Message);
        Assert.Contains("[2, 5]", exception.Message);
    }

    [Fact]
    public void BiasAdd_rejects_the_wrong_channel_count()
    {
        var op = new BiasAdd(new Parameter("bias", new Tensor(3)));
        var exception = Assert.Throws<ShapeMismatchException>(() => op.Forward(new Tensor(2, 4, 2, 2)));
        Assert.Contains("[2, 4, 2, 2]", exception.Message);
    }

    [Theory]
    [InlineData(0, 3, 1)]
    [InlineData(2, 0, 1)]
    [InlineData(2, 3, 0)]
    [InlineData(-1, 3, 1)]
    public void Conv2D_rejects_non_positive_sizes_with_the_value(int outChannels, int kernel, int stride)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(outChannels, kernel, stride));
        Assert.Contains(Math.Min(Math.Min(outChannels, kernel), stride).ToString(), exception.Message);
    }

    [Fact]
    public void Dense_rejects_non_positive_neurons() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0));

    [Fact]
    public void Padding_rejects_negative_zeros_and_bad_text()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Padding.Explicit(-1, 0));
        Assert.Throws<FormatException>(() => Padding.Parse("half"));
        Assert.Equal(Padding.Explicit(1, 1, 2, 2), Padding.Parse("1,2"));
        Assert.Equal(Padding.Same, Padding.Parse(" SAME "));
    }
}
