using ScratchNet.Kernels;

namespace ScratchNet.Tests.Kernels;

public class TanhKernelTests
{
    // Distance in units of the last place of the float nearest the exact value.
    private static double Ulps(float actual, double exact)
    {
        float nearest = (float)exact;
        double ulp = MathF.BitIncrement(MathF.Abs(nearest)) - MathF.Abs(nearest);
        return Math.Abs(actual - exact) / ulp;
    }

    // Over every float in [0, 12] the kernel is at most 5.5 ulp away, 0.1 % of them above 2: measured by running the
    // second test's sweep at a stride of 1 instead of 4,099 (half a minute) and keeping the largest distance.
    private const double MaxUlps = 6;

    [Fact]
    public void WithinSixUlpsOfTheExactValue_FromZeroToSaturation()
    {
        // A dense grid over the whole range, the clamp at 9.1 and beyond.
        var x = new float[2_400_001];
        for (int i = 0; i < x.Length; i++) x[i] = (i - 1_200_000) * 1e-5f;
        var y = new float[x.Length];
        TanhKernel.Apply(x, y);
        double worst = 0;
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Ulps(y[i], Math.Tanh(x[i])));
        Assert.InRange(worst, 0, MaxUlps);
    }

    [Fact]
    public void WithinSixUlps_OnFloatsSpreadOverEveryExponent()
    {
        // Every 4,099th bit pattern from 0 to 12: tiny, subnormal and mid-sized arguments the grid above does not reach.
        uint last = BitConverter.SingleToUInt32Bits(12f);
        var x = new List<float>();
        for (uint bits = 0; bits <= last; bits += 4_099) x.Add(BitConverter.UInt32BitsToSingle(bits));
        var y = new float[x.Count];
        TanhKernel.Apply(x.ToArray(), y);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Ulps(y[i], Math.Tanh(x[i])) <= MaxUlps, $"tanh({x[i]:R}) = {y[i]:R}, exact {Math.Tanh(x[i]):R}");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1e-30f)]
    [InlineData(-1e-30f)]
    [InlineData(1e-4f)]
    [InlineData(0.49999997f)]
    [InlineData(0.5f)]
    [InlineData(-3.7f)]
    [InlineData(9.1f)]
    [InlineData(9.9f)]
    [InlineData(10.5f)]
    [InlineData(88f)]
    [InlineData(-1e30f)]
    public void SpecialArguments(float value)
    {
        float[] y = new float[1];
        TanhKernel.Apply([value], y);
        Assert.InRange(Ulps(y[0], Math.Tanh(value)), 0, MaxUlps);
        Assert.Equal(float.IsNegative(value), float.IsNegative(y[0]));   // odd, even at −0
    }

    [Fact]
    public void InfinitiesSaturateAndNaNPropagates()
    {
        float[] y = new float[3];
        TanhKernel.Apply([float.PositiveInfinity, float.NegativeInfinity, float.NaN], y);
        Assert.Equal(1f, y[0]);
        Assert.Equal(-1f, y[1]);
        Assert.True(float.IsNaN(y[2]));
    }

    [Fact]
    public void AValueGetsTheSameBitsWhereverTheSpanIsCut()
    {
        // Threads hand the kernel different slices: the tail of one call is the middle of another.
        var random = new Random(3);
        var x = new float[1003];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 6 - 3);
        var whole = new float[x.Length];
        TanhKernel.Apply(x, whole);
        var pieces = new float[x.Length];
        for (int start = 0, length = 1; start < x.Length; start += length, length = length % 11 + 1)
        {
            int n = Math.Min(length, x.Length - start);
            TanhKernel.Apply(x.AsSpan(start, n), pieces.AsSpan(start, n));
        }
        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void InPlace()
    {
        float[] x = [-2f, -0.25f, 0.25f, 2f, 0.75f];
        float[] expected = new float[x.Length];
        TanhKernel.Apply(x, expected);
        TanhKernel.Apply(x, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void DerivativeMatchesTheThreeStepFormulaBitForBitWhereverTheSpanIsCut()
    {
        var random = new Random(4);
        var y = new float[1003];
        var dy = new float[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)(random.NextDouble() * 2 - 1);
            dy[i] = (float)(random.NextDouble() * 4 - 2);
        }
        var expected = new float[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            float square = y[i] * y[i];   // one rounding per step, as the kernel does
            float oneMinus = 1f - square;
            expected[i] = oneMinus * dy[i];
        }
        var pieces = new float[y.Length];
        for (int start = 0, length = 1; start < y.Length; start += length, length = length % 13 + 1)
        {
            int n = Math.Min(length, y.Length - start);
            TanhKernel.Derivative(y.AsSpan(start, n), dy.AsSpan(start, n), pieces.AsSpan(start, n));
        }
        Assert.Equal(expected, pieces);
        var whole = new float[y.Length];
        TanhKernel.Derivative(y, dy, whole);
        Assert.Equal(expected, whole);
    }
}
