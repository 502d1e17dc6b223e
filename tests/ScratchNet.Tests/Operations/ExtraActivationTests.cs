using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>LeakyReLU, ELU and GELU: gradient checks, values against reference numbers, and argument validation.</summary>
public class ExtraActivationTests
{
    public static TheoryData<string> Names => new() { "LeakyReLU", "LeakyReLU(0.2)", "ELU", "ELU(0.5)", "GELU" };

    private static Operation Create(string name) => name switch
    {
        "LeakyReLU" => new LeakyReLU(),
        "LeakyReLU(0.2)" => new LeakyReLU(0.2f),
        "ELU" => new ELU(),
        "ELU(0.5)" => new ELU(0.5f),
        "GELU" => new GELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_is_right_away_from_the_kink(string name)
    {
        // |x| ≥ 0.1 keeps the checker's ±0.01 steps on one side of 0, where LeakyReLU and ELU (α ≠ 1) have kinks.
        Tensor x = TestData.AwayFromZero(1, 0.1f, 3f, 2, 3, 4, 5);
        OperationGradientTests.AssertPasses(GradientChecker.Check(Create(name), x), "input");
    }

    [Fact]
    public void GELU_gradient_is_right_through_zero_and_in_the_tails()
    {
        Tensor x = Tensor.FromArray([-6f, -4.5f, -3f, -1f, -0.2f, 0f, 0.3f, 1f, 2.5f, 5f], 2, 5);
        OperationGradientTests.AssertPasses(GradientChecker.Check(new GELU(), x), "input");
    }

    [Fact]
    public void Values_are_right()
    {
        float[] x = [-2f, -0.5f, 0.5f, 3f];
        Assert.Equal([-0.02f, -0.005f, 0.5f, 3f], Apply(new LeakyReLU(), x));
        Assert.Equal([-0.4f, -0.1f, 0.5f, 3f], Apply(new LeakyReLU(0.2f), x));
        TestData.AssertClose([Math.Exp(-2) - 1, Math.Exp(-0.5) - 1, 0.5, 3], Apply(new ELU(), x), 1e-6, "ELU");
        TestData.AssertClose([2 * (Math.Exp(-2) - 1), 2 * (Math.Exp(-0.5) - 1), 0.5, 3], Apply(new ELU(2f), x), 1e-6, "ELU(2)");
    }

    [Fact]
    public void GELU_is_the_exact_erf_form_with_small_relative_error_even_in_the_tails()
    {
        // x·Φ(x) from high-precision Φ values (Φ(−1) = 0.158655253931457, Φ(−3) = 0.00134989803163009, …).
        float[] x = [-5f, -3f, -1f, 0f, 0.5f, 1f, 2f];
        double[] expected =
        [
            -5 * 2.86651571879193911e-7, -3 * 1.34989803163009452e-3, -1.58655253931457051e-1, 0,
            0.5 * 0.691462461274013103, 0.841344746068542949, 2 * 0.977249868051820793,
        ];
        float[] y = Apply(new GELU(), x);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]) + 1e-12,
                $"GELU({x[i]}) = {y[i]:R}, expected {expected[i]:R}");
        // The tanh approximation would give GELU(−3) ≈ −0.00363 instead of −0.00405: this is the exact form.
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.479500122186953462)]
    [InlineData(2.0, 4.67773498104726584e-3)]
    [InlineData(5.0, 1.53745979442803485e-12)]
    [InlineData(-1.0, 1.84270079294971487)]
    public void Erfc_has_relative_error_below_2e_7(double z, double expected) =>
        Assert.True(Math.Abs(GELU.Erfc(z) - expected) <= 2e-7 * expected, $"erfc({z}) = {GELU.Erfc(z):R}, expected {expected:R}");

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void LeakyReLU_rejects_a_non_finite_slope(float slope)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(slope));
        Assert.Contains($"got {slope}", exception.Message);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void ELU_rejects_a_negative_or_non_finite_alpha(float alpha)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new ELU(alpha));
        Assert.Contains($"got {alpha}", exception.Message);
    }

    private static float[] Apply(Operation op, float[] x) => op.Forward(Tensor.FromArray(x, 1, x.Length)).Span.ToArray();
}
