using ScratchNet.Kernels;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// Every parameterised and shape operation checked numerically with the public <see cref="GradientChecker"/>
/// at its default relative tolerance <see cref="GradientChecker.DefaultTolerance"/> (1e-3).
/// </summary>
public class OperationGradientTests
{
    private const double Tolerance = GradientChecker.DefaultTolerance;

    internal static void AssertPasses(GradientCheckReport report, params string[] expectedNames)
    {
        Assert.Equal(expectedNames, report.Errors.Select(e => e.Name));
        Assert.All(report.Errors, e => Assert.True(e.Checked > 0, $"{e.Name}: nothing was checked"));
        Assert.True(report.Passed(Tolerance), $"gradient check failed (tolerance {Tolerance}): {report}");
    }

    [Fact]
    public void Default_tolerance_is_one_in_a_thousand() => Assert.Equal(1e-3, GradientChecker.DefaultTolerance);

    [Fact]
    public void WeightMultiply_gradients_are_right()
    {
        var op = new WeightMultiply(TestData.Parameter("weight", TestData.Uniform(1, 4, 5)));
        AssertPasses(GradientChecker.Check(op, TestData.Uniform(2, 3, 5)), "input", "weight");
    }

    [Fact]
    public void WeightMultiply_computes_x_times_w_transposed()
    {
        // x = [[1, 2]], W = [[1, 0], [2, 3], [-1, 1]] ([out 3, in 2]): y = x·Wᵀ = [[1, 8, 1]].
        var op = new WeightMultiply(new Parameter("weight", Tensor.FromArray([1, 0, 2, 3, -1, 1], 3, 2)));
        Tensor y = op.Forward(Tensor.FromArray([1, 2], 1, 2));
        Assert.Equal([1, 3], y.Shape.ToArray());
        Assert.Equal([1f, 8f, 1f], y.Span.ToArray());
    }

    [Fact]
    public void BiasAdd_gradients_are_right_for_rank_2_input()
    {
        var op = new BiasAdd(TestData.Parameter("bias", TestData.Uniform(3, 4)));
        AssertPasses(GradientChecker.Check(op, TestData.Uniform(4, 3, 4)), "input", "bias");
    }

    [Fact]
    public void BiasAdd_gradients_are_right_for_rank_4_input()
    {
        var op = new BiasAdd(TestData.Parameter("bias", TestData.Uniform(5, 3)));
        AssertPasses(GradientChecker.Check(op, TestData.Uniform(6, 2, 3, 4, 5)), "input", "bias");
    }

    [Fact]
    public void BiasAdd_adds_one_value_per_channel_of_an_image()
    {
        var op = new BiasAdd(new Parameter("bias", Tensor.FromArray([10, 20], 2)));
        Tensor y = op.Forward(Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8], 1, 2, 2, 2));
        Assert.Equal([11f, 12f, 13f, 14f, 25f, 26f, 27f, 28f], y.Span.ToArray());
    }

    [Theory]
    [InlineData(1, "same", 1)]
    [InlineData(2, "same", 2)]
    [InlineData(2, "valid", 1)]
    [InlineData(1, "1,2", 2)]
    public void Conv2DOperation_gradients_are_right(int stride, string padding, int threads)
    {
        var op = new Conv2DOperation(TestData.Parameter("weight", TestData.Uniform(7, 3, 2, 3, 2)), stride, stride,
            ConvolutionTests.ParsePadding(padding)) { Compute = new ComputeContext(threads) };
        AssertPasses(GradientChecker.Check(op, TestData.Uniform(8, 2, 2, 5, 7)), "input", "weight");
    }

    [Fact]
    public void FlattenOperation_gradient_is_right_and_keeps_row_major_order()
    {
        var op = new FlattenOperation();
        Tensor x = TestData.Uniform(9, 2, 3, 2, 2);
        Tensor y = op.Forward(x);
        Assert.Equal([2, 12], y.Shape.ToArray());
        Assert.Equal(x.Span.ToArray(), y.Span.ToArray());
        AssertPasses(GradientChecker.Check(op, x), "input");
        Tensor? dx = op.Backward(TestData.Uniform(10, 2, 12));
        Assert.Equal([2, 3, 2, 2], dx!.Shape.ToArray());
    }

    [Fact]
    public void Gradient_checker_rejects_a_wrong_gradient()
    {
        // A square operation whose backward pass forgets the factor 2: the checker must say no.
        var report = GradientChecker.Check(new WrongSquare(), TestData.Uniform(11, 3, 4));
        Assert.False(report.Passed(Tolerance), report.ToString());
        Assert.True(report.MaxRelativeError > 0.1, report.ToString());
    }

    private sealed class WrongSquare : Operation
    {
        protected override Tensor ComputeOutput(Tensor input)
        {
            Tensor y = OutputBuffer(input.Shape);
            for (int i = 0; i < input.Length; i++) y[i] = input[i] * input[i];
            return y;
        }

        protected override Tensor ComputeInputGradient(Tensor outputGradient)
        {
            Tensor dx = InputGradientBuffer();
            for (int i = 0; i < dx.Length; i++) dx[i] = Input[i] * outputGradient[i]; // should be 2·x·dy
            return dx;
        }
    }
}
