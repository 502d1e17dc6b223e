namespace ScratchNet.Data;

/// <summary>
/// Running per-channel sums of pixel values and their squares, fed one image (CHW) at a time, so that the statistics
/// of a set can be measured without holding it all in memory. Sums are kept in double: for 0–255 pixels they stay exact
/// far beyond a billion pixels per channel.
/// </summary>
public sealed class ChannelStatistics
{
    private readonly double[] _sum, _squares;
    private long _planeValues;

    /// <summary>Statistics for images of <paramref name="channels"/> channels.</summary>
    public ChannelStatistics(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        _sum = new double[channels];
        _squares = new double[channels];
    }

    /// <summary>Adds one image, CHW: <paramref name="image"/>.Length must be a multiple of the channel count.</summary>
    public void Add(ReadOnlySpan<float> image)
    {
        int channels = _sum.Length;
        if (image.Length == 0 || image.Length % channels != 0)
            throw new ArgumentException($"An image of {channels} channel(s) cannot have {image.Length} values.", nameof(image));
        int plane = image.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            foreach (float v in image.Slice(c * plane, plane))
            {
                sum += v;
                squares += (double)v * v;
            }
            _sum[c] += sum;
            _squares[c] += squares;
        }
        _planeValues += plane;
    }

    /// <summary>Merges the sums of <paramref name="other"/> (e.g. measured by another thread) into these.</summary>
    public void Add(ChannelStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._sum.Length != _sum.Length) throw new ArgumentException("Channel counts differ.", nameof(other));
        for (int c = 0; c < _sum.Length; c++)
        {
            _sum[c] += other._sum[c];
            _squares[c] += other._squares[c];
        }
        _planeValues += other._planeValues;
    }

    /// <summary>
    /// The per-channel mean and population std. A constant channel has std 0; it is divided by 1 instead, which keeps values finite.
    /// </summary>
    public Standardizer ToStandardizer()
    {
        if (_planeValues == 0) throw new InvalidOperationException("Cannot standardise an empty data set.");
        int channels = _sum.Length;
        float[] mean = new float[channels], std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = _sum[c] / _planeValues;
            double variance = Math.Max(0, _squares[c] / _planeValues - m * m);
            float s = (float)Math.Sqrt(variance);
            mean[c] = (float)m;
            std[c] = s > 0 && float.IsFinite(1f / s) ? s : 1f;
        }
        return new Standardizer(mean, std);
    }
}
