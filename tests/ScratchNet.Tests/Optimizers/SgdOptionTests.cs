using ScratchNet.Operations;
using ScratchNet.Optimizers;

namespace ScratchNet.Tests.Optimizers;

/// <summary>
/// Weight decay on SGD and SGDMomentum (g ← g + wd·θ) and Nesterov momentum (PyTorch: v ← μv + g, step g + μv),
/// against hand-computed steps from θ = [1, −2], lr = 0.1 with gradients [0.5, −1] then [−1, 0.25].
/// </summary>
public class SgdOptionTests
{
    private static readonly float[][] Gradients = [[0.5f, -1f], [-1f, 0.25f]];

    private static void Run(Optimizer optimizer, double[][] expected)
    {
        var p = new Parameter("p", Tensor.FromArray([1f, -2f], 2));
        for (int step = 0; step < expected.Length; step++)
        {
            Gradients[step].CopyTo(p.Gradient.Span);
            optimizer.Step([p]);
            TestData.AssertClose(expected[step], p.Value.Span, 1e-6, $"after step {step + 1}");
        }
    }

    [Fact]
    public void SGD_weight_decay()
    {
        // θ − 0.1·(g + 0.1·θ): 1 − 0.1·0.6 = 0.94; then 0.94 − 0.1·(−1 + 0.094) = 1.0306.
        Run(new SGD(0.1f, weightDecay: 0.1f), [[0.94, -1.88], [1.0306, -1.8862]]);
    }

    [Fact]
    public void SGDMomentum_weight_decay_goes_into_the_velocity()
    {
        // v₁ = g + 0.1θ = [0.6, −1.2], θ = [0.94, −1.88]; v₂ = 0.9·v₁ + (−1 + 0.094) = −0.366, θ = 0.94 + 0.0366.
        Run(new SGDMomentum(0.1f, 0.9f, weightDecay: 0.1f), [[0.94, -1.88], [0.9766, -1.7782]]);
    }

    [Fact]
    public void Nesterov_steps_with_gradient_plus_momentum_times_velocity()
    {
        // v₁ = 0.5, step 0.5 + 0.9·0.5 = 0.95 → 0.905; v₂ = 0.45 − 1 = −0.55, step −1 − 0.495 = −1.495 → 1.0545.
        Run(new SGDMomentum(0.1f, 0.9f, weightDecay: 0f, nesterov: true), [[0.905, -1.81], [1.0545, -1.7765]]);
    }

    [Fact]
    public void Nesterov_with_weight_decay()
    {
        // g₁ = [0.6, −1.2], v₁ = g₁, step g₁ + 0.9·v₁ = [1.14, −2.28] → [0.886, −1.772].
        Run(new SGDMomentum(0.1f, 0.9f, weightDecay: 0.1f, nesterov: true), [[0.886, -1.772], [1.010566, -1.688632]]);
    }

    [Fact]
    public void Options_default_to_off_and_the_old_constructors_still_work()
    {
        var sgd = new SGD(0.1f);
        Assert.Equal(0f, sgd.WeightDecay);
        var momentum = new SGDMomentum(0.1f, 0.8f);
        Assert.Equal((0.8f, 0f, false), (momentum.Momentum, momentum.WeightDecay, momentum.Nesterov));
        Run(new SGD(0.1f, 0f), [[0.95, -1.9]]);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Invalid_weight_decay_is_rejected_with_the_value(float weightDecay)
    {
        foreach (Func<Optimizer> create in new Func<Optimizer>[]
                 { () => new SGD(0.1f, weightDecay), () => new SGDMomentum(0.1f, 0.9f, weightDecay) })
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => create());
            Assert.Equal("weightDecay", exception.ParamName);
            Assert.Contains($"got {weightDecay}", exception.Message);
        }
    }

    [Fact]
    public void Nesterov_needs_a_positive_momentum()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new SGDMomentum(0.1f, 0f, 0f, nesterov: true));
        Assert.Contains("Nesterov", exception.Message);
        Assert.Contains("got 0", exception.Message);
    }
}
