using System.Numerics.Tensors;

namespace ScratchNet.Data;

/// <summary>
/// Standardisation x ↦ (x − mean[c]) / std[c], one mean and one std per channel, measured on the raw training
/// set. The same statistics are applied to every set and kept with the model, since prediction needs them.
/// Grey images have one channel; colour images three (R, G, B).
/// </summary>
public sealed class Standardizer : IEquatable<Standardizer>
{
    private readonly float[] _mean, _std;

    /// <summary>One mean and one std for every channel of a one-channel (grey) image.</summary>
    public Standardizer(float mean, float std) : this([mean], [std]) { }

    /// <summary>A mean and a std per channel.</summary>
    /// <exception cref="ArgumentException">
    /// The lists are empty or differ in length, a mean is not finite, or a std is not positive with a finite reciprocal.
    /// </exception>
    public Standardizer(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"A standardizer needs one mean and one std per channel; got {mean.Count} means and {std.Count} stds.");
        for (int c = 0; c < mean.Count; c++)
        {
            if (!float.IsFinite(mean[c]))
                throw new ArgumentException($"The mean of channel {c} must be finite, got {mean[c]}.", nameof(mean));
            // 1/std must be finite too: a denormal std would turn every pixel into ±∞ and the loss into NaN.
            if (!(std[c] > 0) || !float.IsFinite(std[c]) || !float.IsFinite(1f / std[c]))
                throw new ArgumentException($"The std of channel {c} must be a positive finite number whose reciprocal is finite, got {std[c]}.", nameof(std));
        }
        _mean = [.. mean];
        _std = [.. std];
    }

    /// <summary>The mean of each channel of the raw training pixels.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The (population) standard deviation of each channel of the raw training pixels.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>The number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>Measures mean and (population) standard deviation of every channel of <paramref name="raw"/>, NCHW.</summary>
    public static Standardizer Fit(Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Rank != 4) throw new ArgumentException($"Images must be NCHW [count, channels, height, width], got {raw.ShapeText}.", nameof(raw));
        var statistics = new ChannelStatistics(raw.Dim(1));
        int sample = raw.SampleLength;
        for (int n = 0; n < raw.Dim(0); n++) statistics.Add(raw.Span.Slice(n * sample, sample));
        return statistics.ToStandardizer();
    }

    /// <summary>Standardises <paramref name="images"/> (NCHW, one plane per channel) in place.</summary>
    public void ApplyInPlace(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || images.Dim(1) != Channels)
            throw new ArgumentException($"Images must be NCHW with {Channels} channel(s), got {images.ShapeText}.", nameof(images));
        ApplyInPlace(images.Span, images.Dim(2) * images.Dim(3));
    }

    /// <summary>
    /// Standardises <paramref name="values"/> in place: consecutive planes of <paramref name="planeLength"/> values, channel
    /// after channel (one or more whole images in CHW order).
    /// </summary>
    public void ApplyInPlace(Span<float> values, int planeLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(planeLength);
        if (values.Length % (planeLength * Channels) != 0)
            throw new ArgumentException($"{values.Length} values are not whole images of {Channels} plane(s) of {planeLength}.", nameof(values));
        for (int start = 0, c = 0; start < values.Length; start += planeLength, c = (c + 1) % Channels)
        {
            Span<float> plane = values.Slice(start, planeLength);
            TensorPrimitives.Subtract(plane, _mean[c], plane);
            TensorPrimitives.Multiply(plane, 1f / _std[c], plane);
        }
    }

    /// <summary>A standardised copy of <paramref name="dataset"/>, which remembers this standardisation for the network trained on it.</summary>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> is already standardised.</exception>
    public ImageDataset Apply(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        // Twice would feed the network doubly standardised images while the model remembers one standardisation.
        if (dataset.Standardization is not null)
            throw new ArgumentException($"The data set is already standardised ({dataset.Standardization}).", nameof(dataset));
        var images = dataset.Images.Clone();
        ApplyInPlace(images);
        return new ImageDataset(images, dataset.Labels, dataset.ClassNames, this);
    }

    /// <inheritdoc/>
    public bool Equals(Standardizer? other) =>
        other is not null && _mean.AsSpan().SequenceEqual(other._mean) && _std.AsSpan().SequenceEqual(other._std);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Standardizer);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_mean[0], _std[0], Channels);

    /// <summary>"mean 72.94, std 90.02" or "mean [125.3, 123.0, 113.9], std [63.0, 62.1, 66.7]".</summary>
    public override string ToString() => Channels == 1
        ? $"mean {_mean[0]:G5}, std {_std[0]:G5}"
        : $"mean [{string.Join(", ", _mean.Select(m => m.ToString("G5")))}], std [{string.Join(", ", _std.Select(s => s.ToString("G5")))}]";
}
