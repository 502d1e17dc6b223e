using ScratchNet.Operations;

namespace ScratchNet.Tests;

/// <summary>Seeded random tensors and comparison helpers shared by the tests.</summary>
internal static class TestData
{
    /// <summary>A tensor of values drawn uniformly from [min, max) with a fixed seed.</summary>
    public static Tensor Uniform(int seed, float min, float max, params int[] shape)
    {
        var random = new Random(seed);
        var tensor = new Tensor(shape);
        foreach (ref float v in tensor.Span) v = (float)(min + random.NextDouble() * (max - min));
        return tensor;
    }

    /// <summary>A tensor of values uniform in [−1, 1).</summary>
    public static Tensor Uniform(int seed, params int[] shape) => Uniform(seed, -1f, 1f, shape);

    /// <summary>Values with |v| in [minAbs, maxAbs] and random sign (keeps ReLU away from its kink).</summary>
    public static Tensor AwayFromZero(int seed, float minAbs, float maxAbs, params int[] shape)
    {
        var random = new Random(seed);
        var tensor = new Tensor(shape);
        foreach (ref float v in tensor.Span)
        {
            float magnitude = (float)(minAbs + random.NextDouble() * (maxAbs - minAbs));
            v = random.Next(2) == 0 ? -magnitude : magnitude;
        }
        return tensor;
    }

    /// <summary>One-hot rows [batch, classes] with random classes.</summary>
    public static Tensor OneHot(int seed, int batch, int classes)
    {
        var random = new Random(seed);
        var tensor = new Tensor(batch, classes);
        for (int n = 0; n < batch; n++) tensor[n * classes + random.Next(classes)] = 1f;
        return tensor;
    }

    /// <summary>Random probability rows [batch, classes] (each row positive, summing to 1).</summary>
    public static Tensor SoftTargets(int seed, int batch, int classes)
    {
        Tensor tensor = Uniform(seed, 0.05f, 1f, batch, classes);
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = tensor.Span.Slice(n * classes, classes);
            float sum = 0;
            foreach (float v in row) sum += v;
            for (int j = 0; j < classes; j++) row[j] /= sum;
        }
        return tensor;
    }

    /// <summary>A parameter holding a copy of <paramref name="value"/>.</summary>
    public static Parameter Parameter(string name, Tensor value) => new(name, value.Clone());

    /// <summary>
    /// Asserts |expected − actual| ≤ tolerance·(1 + |expected|) element-wise, naming the first bad index.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}.");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (!(Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e))))
                Assert.Fail($"{what}: index {i} expected {e:R}, got {a:R} (tolerance {tolerance}).");
        }
    }

    /// <inheritdoc cref="AssertClose(ReadOnlySpan{double}, ReadOnlySpan{float}, double, string)"/>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        double[] e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        AssertClose(e, actual, tolerance, what);
    }

    /// <summary>Asserts that two float sequences are bit-identical.</summary>
    public static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: lengths {expected.Length} and {actual.Length} differ.");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: index {i} differs: {expected[i]:R} vs {actual[i]:R}.");
    }

    /// <summary>The population standard deviation and mean of <paramref name="values"/>.</summary>
    public static (double Mean, double Std) Moments(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        double mean = sum / values.Length, squares = 0;
        foreach (float v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / values.Length));
    }
}
