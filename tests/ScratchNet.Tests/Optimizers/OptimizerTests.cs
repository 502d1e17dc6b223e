using ScratchNet.Operations;
using ScratchNet.Optimizers;

namespace ScratchNet.Tests.Optimizers;

/// <summary>SGD and SGD with momentum (PyTorch form: v ← μv + g, θ ← θ − lr·v) against hand-computed steps.</summary>
public class OptimizerTests
{
    private static Parameter Make(float[] value, float[] gradient)
    {
        var p = new Parameter("p", Tensor.FromArray(value, value.Length));
        gradient.CopyTo(p.Gradient.Span);
        return p;
    }

    [Fact]
    public void SGD_takes_lr_times_gradient()
    {
        Parameter p = Make([1f, 2f], [0.5f, -1f]);
        var sgd = new SGD(0.1f);
        sgd.Step([p]);
        TestData.AssertClose([0.95f, 2.1f], p.Value.Span, 1e-6, "step 1");
        Tensor.FromArray([1f, 0f], 2).Span.CopyTo(p.Gradient.Span);
        sgd.Step([p]);
        TestData.AssertClose([0.85f, 2.1f], p.Value.Span, 1e-6, "step 2");
    }

    [Fact]
    public void SGDMomentum_accumulates_velocity_per_parameter()
    {
        Parameter a = Make([1f, 2f], [0.5f, -1f]);
        Parameter b = Make([3f], [2f]);
        var optimizer = new SGDMomentum(0.1f, 0.9f);

        // Step 1: v = g; θ −= 0.1·v.
        optimizer.Step([a, b]);
        TestData.AssertClose([0.95f, 2.1f], a.Value.Span, 1e-6, "a after step 1");
        TestData.AssertClose([2.8f], b.Value.Span, 1e-6, "b after step 1");

        // Step 2: v = 0.9·v + g.
        Tensor.FromArray([1f, 0f], 2).Span.CopyTo(a.Gradient.Span); // v_a = [1.45, −0.9]
        b.Gradient[0] = -1f;                                       // v_b = 0.8
        optimizer.Step([a, b]);
        TestData.AssertClose([0.805f, 2.19f], a.Value.Span, 1e-6, "a after step 2");
        TestData.AssertClose([2.72f], b.Value.Span, 1e-6, "b after step 2");

        // Step 3 with zero gradient keeps moving: v_a = [1.305, −0.81].
        a.Gradient.Clear();
        b.Gradient.Clear();
        optimizer.Step([a, b]);
        TestData.AssertClose([0.6745f, 2.271f], a.Value.Span, 1e-6, "a after step 3");
    }

    [Fact]
    public void SGDMomentum_with_zero_momentum_is_SGD()
    {
        Parameter a = Make([1f, 2f], [0.5f, -1f]), b = Make([1f, 2f], [0.5f, -1f]);
        var momentum = new SGDMomentum(0.1f, 0f);
        var sgd = new SGD(0.1f);
        for (int i = 0; i < 3; i++)
        {
            momentum.Step([a]);
            sgd.Step([b]);
        }
        TestData.AssertClose(b.Value.Span, a.Value.Span, 1e-6, "momentum 0 vs SGD");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Invalid_learning_rate_is_rejected(float lr)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(lr));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGDMomentum(lr, 0.9f));
        var sgd = new SGD(0.1f);
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = lr);
        Assert.Contains("learning rate", exception.Message);
        Assert.Equal(0.1f, sgd.LearningRate);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void Invalid_momentum_is_rejected(float momentum)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new SGDMomentum(0.1f, momentum));
        Assert.Contains("Momentum", exception.Message);
    }
}
