using ScratchNet.Operations;
using ScratchNet.Optimizers;

namespace ScratchNet.Tests.Optimizers;

/// <summary>
/// Adam and AdamW against hand-computed steps (PyTorch semantics). θ = [1, −2], lr = 0.1, β = (0.9, 0.999), ε = 1e-8,
/// gradients [0.5, −1] then [−1, 0.25]. The first step moves each weight by lr·sign(g) (m̂ = g, v̂ = g²);
/// the second checks the bias corrections 1 − β₁² = 0.19 and 1 − β₂² = 0.001999.
/// </summary>
public class AdamTests
{
    private static readonly float[][] Gradients = [[0.5f, -1f], [-1f, 0.25f]];

    private static Parameter Make() => new("p", Tensor.FromArray([1f, -2f], 2));

    private static void Run(Optimizer optimizer, Parameter p, double[][] expected, double tolerance = 1e-6)
    {
        for (int step = 0; step < expected.Length; step++)
        {
            Gradients[step].CopyTo(p.Gradient.Span);
            optimizer.Step([p]);
            TestData.AssertClose(expected[step], p.Value.Span, tolerance, $"after step {step + 1}");
        }
    }

    [Fact]
    public void Adam_two_steps_with_bias_correction()
    {
        // Step 2, first weight: m = 0.9·0.05 − 0.1 = −0.055, v = 0.999·0.00025 + 0.001 = 0.00124975,
        // m̂ = −0.055/0.19, v̂ = 0.00124975/0.001999, θ = 0.9 − 0.1·m̂/(√v̂ + ε) = 0.93661035.
        Run(new Adam(0.1f), Make(), [[0.9, -1.9], [0.9366103542405654, -1.8530531845234584]]);
    }

    [Fact]
    public void Adam_weight_decay_is_L2_added_to_the_gradient()
    {
        // g ← g + 0.1·θ before the moments: step 1 gradients [0.6, −1.2] (still lr·sign(g)), then through the moments.
        Run(new Adam(0.1f, weightDecay: 0.1f), Make(), [[0.9, -1.9], [0.9252635194456061, -1.8367957569894449]]);
    }

    [Fact]
    public void AdamW_decays_the_weights_before_the_plain_Adam_step()
    {
        // θ ← θ·(1 − 0.1·0.1) = [0.99, −1.98], then the Adam step of the plain gradient: [0.89, −1.88].
        Run(new AdamW(0.1f, weightDecay: 0.1f), Make(), [[0.89, -1.88], [0.9177103542205653, -1.8142531845134584]]);
    }

    [Fact]
    public void AdamW_without_weight_decay_is_Adam()
    {
        Parameter a = Make(), b = Make();
        var adam = new Adam(0.1f);
        var adamW = new AdamW(0.1f, weightDecay: 0f);
        foreach (float[] g in Gradients)
        {
            g.CopyTo(a.Gradient.Span);
            g.CopyTo(b.Gradient.Span);
            adam.Step([a]);
            adamW.Step([b]);
        }
        TestData.AssertBitIdentical(a.Value.Span, b.Value.Span, "Adam vs AdamW(wd = 0)");
    }

    [Fact]
    public void Each_parameter_keeps_its_own_moments()
    {
        // Two parameters stepped together must move exactly as when each has its own optimizer.
        Parameter a = Make(), b = new("q", Tensor.FromArray([3f], 1));
        Parameter a2 = Make(), b2 = new("q", Tensor.FromArray([3f], 1));
        var shared = new Adam(0.05f);
        Adam alone1 = new(0.05f), alone2 = new(0.05f);
        for (int step = 0; step < 3; step++)
        {
            Gradients[step % 2].CopyTo(a.Gradient.Span);
            Gradients[step % 2].CopyTo(a2.Gradient.Span);
            b.Gradient[0] = b2.Gradient[0] = step - 1.5f;
            shared.Step([a, b]);
            alone1.Step([a2]);
            alone2.Step([b2]);
        }
        TestData.AssertBitIdentical(a2.Value.Span, a.Value.Span, "a");
        TestData.AssertBitIdentical(b2.Value.Span, b.Value.Span, "b");
    }

    [Fact]
    public void Defaults_follow_PyTorch()
    {
        var adam = new Adam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
        var adamW = new AdamW();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
    }

    public static TheoryData<string, float> InvalidArguments => new()
    {
        { "beta1", 1f }, { "beta1", -0.1f }, { "beta1", float.NaN },
        { "beta2", 1f }, { "beta2", 1.5f }, { "beta2", float.NaN },
        { "epsilon", 0f }, { "epsilon", -1e-8f }, { "epsilon", float.PositiveInfinity },
        { "weightDecay", -0.01f }, { "weightDecay", float.NaN }, { "weightDecay", float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void Invalid_arguments_are_rejected_with_the_value(string name, float value)
    {
        Func<Optimizer>[] constructors = name switch
        {
            "beta1" => [() => new Adam(beta1: value), () => new AdamW(beta1: value)],
            "beta2" => [() => new Adam(beta2: value), () => new AdamW(beta2: value)],
            "epsilon" => [() => new Adam(epsilon: value), () => new AdamW(epsilon: value)],
            _ => [() => new Adam(weightDecay: value), () => new AdamW(weightDecay: value)],
        };
        foreach (Func<Optimizer> create in constructors)
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => create());
            Assert.Equal(name, exception.ParamName);
            Assert.Contains($"got {value}", exception.Message);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(learningRate: float.NaN));
    }

    [Fact]
    public void Vectorised_update_gives_the_bits_of_the_scalar_formula()
    {
        // 1003 values: whole vectors and a scalar tail; three steps with weight decay.
        var p = new Parameter("p", TestData.Uniform(1, 1003));
        float[] theta = p.Value.Span.ToArray(), m = new float[1003], v = new float[1003];
        var adam = new Adam(0.01f, weightDecay: 0.05f);
        float beta1 = 0.9f, beta2 = 0.999f, a1 = 1f - beta1, a2 = 1f - beta2;
        for (int t = 1; t <= 3; t++)
        {
            TestData.Uniform(1 + t, 1003).Span.CopyTo(p.Gradient.Span);
            float stepSize = (float)(0.01f / (1.0 - Math.Pow(beta1, t)));
            float correction = (float)(1.0 / Math.Sqrt(1.0 - Math.Pow(beta2, t)));
            for (int i = 0; i < theta.Length; i++)
            {
                float g = p.Gradient[i] + 0.05f * theta[i];
                m[i] = beta1 * m[i] + a1 * g;
                v[i] = beta2 * v[i] + a2 * g * g;
                theta[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) * correction + 1e-8f);
            }
            adam.Step([p]);
            Assert.Equal(theta, p.Value.Span.ToArray());
        }
    }
}
