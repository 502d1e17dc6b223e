using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>Activations: numerical gradient checks, values, and the notebook's sigmoid and ReLU defects.</summary>
public class ActivationTests
{
    public static TheoryData<string> Smooth => new() { "Tanh", "Sigmoid", "Linear" };

    private static Operation Create(string name) => name switch
    {
        "Tanh" => new Tanh(),
        "Sigmoid" => new Sigmoid(),
        "ReLU" => new ReLU(),
        "Linear" => new Linear(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Smooth))]
    public void Smooth_activation_gradients_are_right(string name)
    {
        Tensor x = TestData.Uniform(1, -2f, 2f, 3, 2, 4, 5);
        OperationGradientTests.AssertPasses(GradientChecker.Check(Create(name), x), "input");
    }

    [Fact]
    public void ReLU_gradient_is_right_away_from_zero()
    {
        // |x| ≥ 0.1 while the checker's step is 0.01, so no difference quotient straddles the kink.
        Tensor x = TestData.AwayFromZero(2, 0.1f, 2f, 3, 2, 4, 5);
        OperationGradientTests.AssertPasses(GradientChecker.Check(new ReLU(), x), "input");
    }

    [Fact]
    public void Activation_values_are_right()
    {
        float[] x = [-2f, -0.5f, 0f, 0.5f, 3f];
        Tensor input = Tensor.FromArray(x, 1, 5);
        TestData.AssertClose(x.Select(v => Math.Tanh(v)).ToArray(), new Tanh().Forward(input).Span, 1e-6, "tanh");
        TestData.AssertClose(x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), new Sigmoid().Forward(input).Span, 1e-6, "sigmoid");
        Assert.Equal([0f, 0f, 0f, 0.5f, 3f], new ReLU().Forward(input).Span.ToArray());
        Assert.Equal(x, new Linear().Forward(input).Span.ToArray());
    }

    [Fact]
    public void Sigmoid_is_finite_and_exact_at_extremes()
    {
        // The notebook's 1/(1 + exp(−x)) overflows exp for x = −1000 (NumPy warned about it in the seed run).
        var sigmoid = new Sigmoid();
        Tensor y = sigmoid.Forward(Tensor.FromArray([-1000f, 1000f, 0f, -88.8f, 88.8f], 1, 5), training: true);
        Assert.True(y.AllFinite());
        Assert.Equal(0f, y[0]);
        Assert.Equal(1f, y[1]);
        Assert.Equal(0.5f, y[2]);
        Assert.InRange(y[3], 0f, 1e-37f);
        Assert.Equal(1f, y[4]);

        Tensor? dx = sigmoid.Backward(Tensor.FromArray([1f, 1f, 1f, 1f, 1f], 1, 5));
        Assert.NotNull(dx);
        Assert.True(dx.AllFinite());
        Assert.Equal(0f, dx[0]);
        Assert.Equal(0f, dx[1]);
        Assert.Equal(0.25f, dx[2]);
        Assert.Equal(0f, Sigmoid.Logistic(float.NegativeInfinity));
        Assert.Equal(1f, Sigmoid.Logistic(float.PositiveInfinity));
    }

    [Fact]
    public void ReLU_backward_mask_comes_from_the_input()
    {
        // A mask taken from the output with y ≥ 0 is true everywhere (y = max(x, 0) ≥ 0), so negative
        // inputs would wrongly pass their gradient. The mask must be x > 0.
        var relu = new ReLU();
        relu.Forward(Tensor.FromArray([-3f, -0.5f, 0f, 0.5f, 2f], 1, 5), training: true);
        Tensor? dx = relu.Backward(Tensor.FromArray([10f, 20f, 30f, 40f, 50f], 1, 5));
        Assert.NotNull(dx);
        Assert.Equal([0f, 0f, 0f, 40f, 50f], dx.Span.ToArray());
    }

    [Fact]
    public void Tanh_saturates_without_NaN()
    {
        var tanh = new Tanh();
        Tensor y = tanh.Forward(Tensor.FromArray([-1000f, 1000f], 1, 2), training: true);
        Assert.Equal([-1f, 1f], y.Span.ToArray());
        Tensor? dx = tanh.Backward(Tensor.FromArray([1f, 1f], 1, 2));
        Assert.Equal([0f, 0f], dx!.Span.ToArray());
    }
}
