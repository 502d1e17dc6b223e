using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>The README's example of a user-written operation, kept here so the README stays true.</summary>
public sealed class ReadmeGradientCheckExampleTests
{
    /// y = x³, dy/dx = 3x²
    private sealed class Cube : Activation
    {
        protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i] * x[i];
        }

        protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < x.Length; i++) dx[i] = 3 * x[i] * x[i] * dy[i];
        }
    }

    /// A wrong derivative (2x² instead of 3x²) that the checker must reject.
    private sealed class WrongCube : Activation
    {
        protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i] * x[i];
        }

        protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < x.Length; i++) dx[i] = 2 * x[i] * x[i] * dy[i];
        }
    }

    private static Tensor Input()
    {
        var input = new Tensor(4, 10);
        var random = new Random(1);
        foreach (ref float v in input.Span) v = (float)random.NextDouble() * 2 - 1;
        return input;
    }

    [Fact]
    public void ReadmeExample_CorrectGradient_Passes()
    {
        GradientCheckReport report = GradientChecker.Check(new Cube(), Input());
        Assert.True(report.Passed(), report.ToString());
        Assert.True(report.MaxRelativeError < 1e-4, report.ToString());
    }

    [Fact]
    public void ReadmeExample_WrongGradient_Fails()
    {
        GradientCheckReport report = GradientChecker.Check(new WrongCube(), Input());
        Assert.False(report.Passed(), report.ToString());
    }
}
