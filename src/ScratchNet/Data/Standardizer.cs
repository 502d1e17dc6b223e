using System.Numerics.Tensors;

namespace ScratchNet.Data;

/// <summary>
/// Standardisation x ↦ (x − mean) / std with one mean and one std measured on the raw training set.
/// The same statistics are applied to every set and kept with the model, since prediction needs them.
/// </summary>
/// <param name="Mean">The mean of the raw training pixels.</param>
/// <param name="Std">The standard deviation of the raw training pixels (positive).</param>
public sealed record Standardizer(float Mean, float Std)
{
    /// <summary>Measures mean and (population) standard deviation of <paramref name="raw"/>.</summary>
    public static Standardizer Fit(Tensor raw)
    {
        ReadOnlySpan<float> x = raw.Span;
        if (x.Length == 0) throw new ArgumentException("Cannot standardise an empty data set.", nameof(raw));
        double sum = 0;
        foreach (float v in x) sum += v;
        double mean = sum / x.Length, squares = 0;
        foreach (float v in x) squares += (v - mean) * (v - mean);
        double std = Math.Sqrt(squares / x.Length);
        // A constant image set has std 0; dividing by 1 then keeps values finite.
        return new Standardizer((float)mean, std > 0 ? (float)std : 1f);
    }

    /// <summary>Standardises <paramref name="values"/> in place.</summary>
    public void ApplyInPlace(Span<float> values)
    {
        TensorPrimitives.Subtract(values, Mean, values);
        TensorPrimitives.Multiply(values, 1f / Std, values);
    }

    /// <summary>A standardised copy of <paramref name="dataset"/>.</summary>
    public ImageDataset Apply(ImageDataset dataset)
    {
        var images = dataset.Images.Clone();
        ApplyInPlace(images.Span);
        return new ImageDataset(images, dataset.Labels, dataset.ClassNames);
    }
}
