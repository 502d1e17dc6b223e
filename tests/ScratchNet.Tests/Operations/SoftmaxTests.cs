using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>Softmax over the last axis: values, stability for large inputs, and the gradient dx = y ⊙ (dy − Σ dy⊙y).</summary>
public class SoftmaxTests
{
    [Theory]
    [InlineData(new[] { 3, 5 })]
    [InlineData(new[] { 2, 3, 4 })]
    [InlineData(new[] { 4, 1 })]
    public void Gradient_is_right(int[] shape) =>
        OperationGradientTests.AssertPasses(GradientChecker.Check(new Softmax(), TestData.Uniform(41, -2f, 2f, shape)), "input");

    [Fact]
    public void Rows_are_the_normalised_exponentials()
    {
        Tensor y = new Softmax().Forward(Tensor.FromArray([0, 1, 2, -1, -1, -1], 2, 3));
        double z = 1 + Math.E + Math.E * Math.E;
        TestData.AssertClose([1 / z, Math.E / z, Math.E * Math.E / z, 1 / 3.0, 1 / 3.0, 1 / 3.0], y.Span, 1e-6, "softmax");
    }

    [Fact]
    public void Large_inputs_do_not_overflow()
    {
        Tensor y = new Softmax().Forward(Tensor.FromArray([1000, 1001, -1000, 88, 89, 90], 2, 3));
        Assert.True(y.AllFinite());
        double z = 1 + Math.E;
        TestData.AssertClose([1 / z, Math.E / z, 0], y.Span[..3], 1e-6, "shifted row");
        Tensor reference = new Softmax().Forward(Tensor.FromArray([0, 1, 2], 1, 3));
        TestData.AssertClose(reference.Span, y.Span[3..], 1e-6, "shift invariance");
    }

    [Fact]
    public void Backward_matches_the_formula()
    {
        var op = new Softmax();
        Tensor y = op.Forward(TestData.Uniform(2, 2, 4)).Clone();
        Tensor dy = TestData.Uniform(3, 2, 4);
        Tensor dx = op.Backward(dy)!;
        for (int n = 0; n < 2; n++)
        {
            double dot = 0;
            for (int j = 0; j < 4; j++) dot += dy[n * 4 + j] * y[n * 4 + j];
            for (int j = 0; j < 4; j++)
                Assert.Equal(y[n * 4 + j] * (dy[n * 4 + j] - dot), dx[n * 4 + j], 6);
        }
        // Each row of dx sums to zero (softmax outputs always sum to 1).
        Assert.Equal(0, dx.Span[..4].ToArray().Sum(), 6);
    }
}
