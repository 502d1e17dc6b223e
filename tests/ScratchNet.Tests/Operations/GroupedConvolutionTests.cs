using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>Grouped and depthwise convolution against the naive loops, and numerically through the Conv2D layer.</summary>
public class GroupedConvolutionTests
{
    private const double Tolerance = 1e-4;

    // batch, in, H, W, out, kernel, stride, padding, groups
    public static IEnumerable<object[]> Cases() =>
        from c in new object[][]
        {
            [2, 4, 5, 6, 4, 3, 1, "same", 4],    // depthwise
            [2, 3, 5, 5, 6, 3, 2, "same", 3],    // depthwise with two filters per channel, stride 2
            [3, 4, 6, 5, 6, 3, 1, "valid", 2],   // two groups of 2 → 3
            [1, 6, 4, 4, 3, 1, 1, "same", 3],    // grouped 1×1 (pointwise)
        }
        from threads in new[] { 1, 2 }
        select c.Append(threads).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Grouped_operation_matches_naive_loops_forward_and_both_gradients(
        int batch, int inC, int h, int w, int outC, int k, int stride, string padding, int groups, int threads)
    {
        ConvSpec spec = ConvolutionTests.Spec(batch, inC, h, w, outC, k, k, stride, stride, padding) with { Groups = groups };
        Tensor x = TestData.Uniform(21, spec.InputShape);
        Tensor weight = TestData.Uniform(22, spec.WeightShape);
        var op = new Conv2DOperation(TestData.Parameter("weight", weight), stride, stride, ConvolutionTests.ParsePadding(padding), groups)
        {
            Compute = new ComputeContext(threads),
        };

        Tensor z = op.Forward(x, training: true);
        Assert.Equal(spec.OutputShape, z.Shape.ToArray());
        TestData.AssertClose(NaiveConvolution.Forward(spec, x.Span, weight.Span), z.Span, Tolerance, "forward");
        Tensor dz = TestData.Uniform(23, z.Shape.ToArray());
        Tensor dx = op.Backward(dz)!;
        TestData.AssertClose(NaiveConvolution.InputGradient(spec, weight.Span, dz.Span), dx.Span, Tolerance, "input gradient");
        TestData.AssertClose(NaiveConvolution.WeightGradient(spec, x.Span, dz.Span), op.Parameter.Gradient.Span, Tolerance, "weight gradient");
    }

    [Fact]
    public void Depthwise_layer_gradients_are_right()
    {
        var layer = new Conv2D(6, 3, stride: 2, activation: new Tanh(), groups: 3);
        layer.Build([3, 5, 5]);
        Assert.Equal([6, 1, 3, 3], layer.Parameters[0].Value.Shape.ToArray());
        Assert.Equal(["weight [6, 1, 3, 3]", "bias [6]"], layer.StateShapes([3, 5, 5]).Select(s => $"{s.Name} {Tensor.FormatShape(s.Shape)}"));
        TestData.Uniform(24, -0.5f, 0.5f, 6).Span.CopyTo(layer.Parameters[1].Value.Span);
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, TestData.Uniform(25, 2, 3, 5, 5)), "input", "weight", "bias");
    }

    [Fact]
    public void One_group_is_bit_identical_to_the_ordinary_convolution()
    {
        Tensor x = TestData.Uniform(26, 2, 3, 6, 6), weight = TestData.Uniform(27, 4, 3, 3, 3);
        var plain = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same);
        var grouped = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same, groups: 1);
        TestData.AssertBitIdentical(plain.Forward(x).Span, grouped.Forward(x).Span, "forward");
    }

    [Fact]
    public void Channels_that_do_not_split_into_the_groups_are_named()
    {
        Assert.Contains("6 output channels do not split into 4 groups",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(6, 3, groups: 4)).Message);
        var layer = new Conv2D(4, 3, groups: 2);
        Assert.Contains("Conv2D: 3 input channels do not split into 2 groups",
            Assert.Throws<ShapeMismatchException>(() => layer.Build([3, 5, 5])).Message);
        Assert.Throws<ShapeMismatchException>(() => layer.StateShapes([3, 5, 5]));
        var op = new Conv2DOperation(TestData.Parameter("weight", TestData.Uniform(1, 4, 2, 3, 3)), 1, 1, Padding.Same, groups: 2);
        Assert.Contains("in 2 groups expects input [batch, 4, height, width], but got [1, 2, 5, 5]",
            Assert.Throws<ShapeMismatchException>(() => op.Forward(TestData.Uniform(2, 1, 2, 5, 5))).Message);
    }
}
