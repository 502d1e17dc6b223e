namespace ScratchNet.Data;

/// <summary>
/// Resizes images plane by plane, separably (rows first, then columns, in double). Along an axis that shrinks, each
/// output pixel is the mean of the source span it covers, source pixels weighted by the fraction of them inside it
/// (area averaging: no aliasing, and halving averages 2×2 blocks exactly). Along an axis that grows, values are
/// interpolated linearly between the two nearest source pixel centres (bilinear, edges clamped). An unchanged axis is copied.
/// </summary>
public static class ImageResizer
{
    /// <summary>
    /// Resizes the <paramref name="channels"/> planes of <paramref name="source"/> (CHW, <c>[channels, height, width]</c>)
    /// into <paramref name="destination"/> (CHW, <c>[channels, outHeight, outWidth]</c>).
    /// </summary>
    public static void Resize(ReadOnlySpan<float> source, int channels, int height, int width,
                              Span<float> destination, int outHeight, int outWidth)
    {
        if (channels <= 0 || height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), "Channel counts and image sizes must be positive.");
        if (source.Length != channels * height * width)
            throw new ArgumentException($"Expected {channels * height * width} values, got {source.Length}.", nameof(source));
        if (destination.Length != channels * outHeight * outWidth)
            throw new ArgumentException($"Expected room for {channels * outHeight * outWidth} values, got {destination.Length}.", nameof(destination));
        var (columnStart, columnWeights) = Weights(width, outWidth);
        var (rowStart, rowWeights) = Weights(height, outHeight);
        var horizontal = new double[height * outWidth];
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = source.Slice(c * height * width, height * width);
            Span<float> output = destination.Slice(c * outHeight * outWidth, outHeight * outWidth);
            for (int y = 0; y < height; y++) // height × outWidth
                for (int ox = 0; ox < outWidth; ox++)
                {
                    double sum = 0;
                    double[] w = columnWeights[ox];
                    for (int k = 0; k < w.Length; k++) sum += w[k] * plane[y * width + columnStart[ox] + k];
                    horizontal[y * outWidth + ox] = sum;
                }
            for (int oy = 0; oy < outHeight; oy++) // outHeight × outWidth
            {
                double[] w = rowWeights[oy];
                for (int ox = 0; ox < outWidth; ox++)
                {
                    double sum = 0;
                    for (int k = 0; k < w.Length; k++) sum += w[k] * horizontal[(rowStart[oy] + k) * outWidth + ox];
                    output[oy * outWidth + ox] = (float)sum;
                }
            }
        }
    }

    /// <summary>Resizes one plane, <paramref name="height"/>×<paramref name="width"/> row-major, to <paramref name="outHeight"/>×<paramref name="outWidth"/>.</summary>
    public static float[] Resize(ReadOnlySpan<float> source, int height, int width, int outHeight, int outWidth)
    {
        var result = new float[Math.Max(0, outHeight) * Math.Max(0, outWidth)];
        Resize(source, 1, height, width, result, outHeight, outWidth);
        return result;
    }

    // For output pixel o, the source pixels it reads start at start[o]; weights[o][k] is the weight of source pixel start[o] + k (they sum to 1).
    private static (int[] Start, double[][] Weights) Weights(int size, int outSize)
    {
        var start = new int[outSize];
        var weights = new double[outSize][];
        for (int o = 0; o < outSize; o++)
            (start[o], weights[o]) = outSize > size ? Bilinear(o, size, outSize) : Area(o, size, outSize);
        return (start, weights);
    }

    // Output pixel o covers the source interval [o·size, (o + 1)·size) / outSize; exact integer bounds, then overlaps.
    private static (int, double[]) Area(int o, int size, int outSize)
    {
        long low = (long)o * size, high = (long)(o + 1) * size;
        int first = (int)(low / outSize), last = (int)((high - 1) / outSize); // the last source pixel with a positive overlap
        var w = new double[last - first + 1];
        for (int i = first; i <= last; i++)
        {
            long overlapLow = Math.Max(low, (long)i * outSize), overlapHigh = Math.Min(high, (long)(i + 1) * outSize);
            w[i - first] = (double)(overlapHigh - overlapLow) / size; // overlap / outSize, divided by the area size / outSize
        }
        return (first, w);
    }

    // The centre of output pixel o sits at source coordinate (o + ½)·size/outSize − ½, clamped to the outer pixel centres.
    private static (int, double[]) Bilinear(int o, int size, int outSize)
    {
        double x = Math.Clamp((o + 0.5) * size / outSize - 0.5, 0, size - 1);
        int left = (int)Math.Floor(x);
        double fraction = x - left;
        return left == size - 1 || fraction == 0 ? (left, [1.0]) : (left, [1 - fraction, fraction]);
    }
}
