namespace ScratchNet.Layers;

/// <summary>How a layer draws its initial weights (biases always start at zero).</summary>
public enum WeightInit
{
    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)); keeps tanh and sigmoid out of saturation.</summary>
    Glorot,

    /// <summary>He/Kaiming normal: N(0, 2 / fanIn); suits ReLU networks.</summary>
    He,

    /// <summary>The seed notebook's unscaled N(0, 1); saturates tanh for any realistic fan-in. Kept to reproduce the notebook.</summary>
    Standard,
}

/// <summary>Draws initial weights for a <see cref="WeightInit"/> scheme.</summary>
public static class WeightInitializer
{
    /// <summary>Fills <paramref name="weights"/> for a layer with the given fan-in and fan-out.</summary>
    public static void Fill(Span<float> weights, WeightInit scheme, int fanIn, int fanOut, Random random)
    {
        switch (scheme)
        {
            case WeightInit.Glorot:
                float limit = MathF.Sqrt(6f / (fanIn + fanOut));
                foreach (ref float w in weights) w = (float)((random.NextDouble() * 2 - 1) * limit);
                break;
            case WeightInit.He:
                FillNormal(weights, MathF.Sqrt(2f / fanIn), random);
                break;
            case WeightInit.Standard:
                FillNormal(weights, 1f, random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown weight initialisation.");
        }
    }

    /// <summary>Fills with N(0, std²) by the Box–Muller transform.</summary>
    public static void FillNormal(Span<float> values, float std, Random random)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1)), angle = 2.0 * Math.PI * u2;
            values[i] = (float)(std * radius * Math.Cos(angle));
            if (i + 1 < values.Length) values[i + 1] = (float)(std * radius * Math.Sin(angle));
        }
    }
}
