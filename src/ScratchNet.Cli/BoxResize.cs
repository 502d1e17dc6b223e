namespace ScratchNet.Cli;

/// <summary>
/// Resizes a grey image by area averaging (a box filter): each output pixel is the mean of the source
/// area it covers, with source pixels weighted by the fraction of them inside that area. Separable: rows
/// first, then columns, in double. Scaling by 1 returns the pixels unchanged; enlarging repeats pixels
/// (blending the two at a boundary that falls inside an output pixel).
/// </summary>
internal static class BoxResize
{
    /// <summary>Resizes <paramref name="source"/> (<paramref name="height"/>×<paramref name="width"/>, row-major) to <paramref name="outHeight"/>×<paramref name="outWidth"/>.</summary>
    public static float[] Resize(ReadOnlySpan<float> source, int height, int width, int outHeight, int outWidth)
    {
        if (height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), "Image sizes must be positive.");
        if (source.Length != height * width)
            throw new ArgumentException($"Expected {height * width} pixels, got {source.Length}.", nameof(source));
        var (columnStart, columnWeights) = Weights(width, outWidth);
        var (rowStart, rowWeights) = Weights(height, outHeight);

        // Horizontal pass: height × outWidth.
        var horizontal = new double[height * outWidth];
        for (int y = 0; y < height; y++)
            for (int ox = 0; ox < outWidth; ox++)
            {
                double sum = 0;
                double[] w = columnWeights[ox];
                for (int k = 0; k < w.Length; k++) sum += w[k] * source[y * width + columnStart[ox] + k];
                horizontal[y * outWidth + ox] = sum;
            }

        // Vertical pass: outHeight × outWidth.
        var result = new float[outHeight * outWidth];
        for (int oy = 0; oy < outHeight; oy++)
        {
            double[] w = rowWeights[oy];
            for (int ox = 0; ox < outWidth; ox++)
            {
                double sum = 0;
                for (int k = 0; k < w.Length; k++) sum += w[k] * horizontal[(rowStart[oy] + k) * outWidth + ox];
                result[oy * outWidth + ox] = (float)sum;
            }
        }
        return result;
    }

    // For output pixel o, the source pixels it covers start at start[o]; weights[o][k] is the share of source pixel
    // start[o] + k in it (the shares sum to 1). Output pixel o covers source interval [o·s, (o + 1)·s) with s = size / outSize.
    private static (int[] Start, double[][] Weights) Weights(int size, int outSize)
    {
        var start = new int[outSize];
        var weights = new double[outSize][];
        for (int o = 0; o < outSize; o++)
        {
            // Exact rational bounds: [o·size, (o + 1)·size) / outSize.
            long lowNumerator = (long)o * size, highNumerator = (long)(o + 1) * size;
            int first = (int)(lowNumerator / outSize);
            int last = (int)((highNumerator - 1) / outSize); // the last source pixel with a positive overlap
            var w = new double[last - first + 1];
            for (int i = first; i <= last; i++)
            {
                long overlapLow = Math.Max(lowNumerator, (long)i * outSize), overlapHigh = Math.Min(highNumerator, (long)(i + 1) * outSize);
                w[i - first] = (double)(overlapHigh - overlapLow) / size; // overlap / outSize, divided by the area size / outSize
            }
            start[o] = first;
            weights[o] = w;
        }
        return (start, weights);
    }
}
