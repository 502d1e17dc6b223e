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
        Span<double> sums = stackalloc double[2 * channels];
        Measure(image, sums, channels);
        AddMeasured(sums, image.Length / channels);
    }

    /// <summary>
    /// The statistics of every image of <paramref name="source"/>, read on <paramref name="threads"/> threads. The result
    /// does not depend on the thread count and equals <see cref="Add(ReadOnlySpan{float})"/> applied to the images in order.
    /// </summary>
    public static ChannelStatistics Measure(IImageSource source, int threads)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        int channels = source.ImageShape[0], length = source.ImageShape[0] * source.ImageShape[1] * source.ImageShape[2];
        // Each image's sums are measured in parallel, then added in image order: the same additions as one thread makes.
        double[] perImage = new double[checked(source.Count * 2 * channels)];
        Parallel.For(0, source.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new float[length],
            (i, _, image) =>
            {
                source.Read(i, image);
                Measure(image, perImage.AsSpan(i * 2 * channels, 2 * channels), channels);
                return image;
            },
            _ => { });
        var statistics = new ChannelStatistics(channels);
        for (int i = 0; i < source.Count; i++) statistics.AddMeasured(perImage.AsSpan(i * 2 * channels, 2 * channels), length / channels);
        return statistics;
    }

    // sums[c] = Σ pixels of channel c, sums[channels + c] = Σ their squares, for one image.
    private static void Measure(ReadOnlySpan<float> image, Span<double> sums, int channels)
    {
        int plane = image.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            foreach (float v in image.Slice(c * plane, plane))
            {
                sum += v;
                squares += (double)v * v;
            }
            sums[c] = sum;
            sums[channels + c] = squares;
        }
    }

    private void AddMeasured(ReadOnlySpan<double> sums, int planeLength)
    {
        int channels = _sum.Length;
        for (int c = 0; c < channels; c++)
        {
            _sum[c] += sums[c];
            _squares[c] += sums[channels + c];
        }
        _planeValues += planeLength;
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
