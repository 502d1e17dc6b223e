namespace ScratchNet.Kernels;

/// <summary>
/// Max and average pooling over one channel plane [H, W] → [OH, OW] (geometry with Channels = 1).
/// Windows that reach into the padding see −∞ for max pooling and 0 for average pooling, whose
/// divisor is always the full window area (PyTorch's count_include_pad).
/// </summary>
public static class Pooling
{
    /// <summary>
    /// out[i, j] = max of the window; <paramref name="argMax"/> receives the flat input index of the
    /// maximum (the first one in row-major window order on ties, −1 when the window is all padding).
    /// </summary>
    public static void MaxForward(ReadOnlySpan<float> plane, in ConvGeometry g, Span<float> output, Span<int> argMax)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth;
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            float best = float.NegativeInfinity;
            int bestIndex = -1;
            for (int u = 0; u < g.KernelHeight; u++)
            {
                int y = i * g.StrideHeight + u - g.PadTop;
                if ((uint)y >= (uint)g.Height) continue;
                for (int v = 0; v < g.KernelWidth; v++)
                {
                    int x = j * g.StrideWidth + v - g.PadLeft;
                    if ((uint)x >= (uint)g.Width) continue;
                    float value = plane[y * g.Width + x];
                    // Strictly greater: the first maximum wins ties; NaN is passed on rather than skipped.
                    if (value > best || bestIndex < 0 || float.IsNaN(value))
                    {
                        best = value;
                        bestIndex = y * g.Width + x;
                        if (float.IsNaN(value)) goto Found;
                    }
                }
            }
        Found:
            output[i * ow + j] = best;
            argMax[i * ow + j] = bestIndex;
        }
    }

    /// <summary>Sends each output gradient to the input position that won the max (adds; clear first).</summary>
    public static void MaxBackward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> argMax, Span<float> inputGradient)
    {
        for (int k = 0; k < outputGradient.Length; k++)
            if (argMax[k] >= 0) inputGradient[argMax[k]] += outputGradient[k];
    }

    /// <summary>out[i, j] = (sum of the window) / (kernel height · kernel width).</summary>
    public static void AverageForward(ReadOnlySpan<float> plane, in ConvGeometry g, Span<float> output)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth;
        float scale = 1f / (g.KernelHeight * g.KernelWidth);
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            float sum = 0;
            for (int u = 0; u < g.KernelHeight; u++)
            {
                int y = i * g.StrideHeight + u - g.PadTop;
                if ((uint)y >= (uint)g.Height) continue;
                for (int v = 0; v < g.KernelWidth; v++)
                {
                    int x = j * g.StrideWidth + v - g.PadLeft;
                    if ((uint)x < (uint)g.Width) sum += plane[y * g.Width + x];
                }
            }
            output[i * ow + j] = sum * scale;
        }
    }

    /// <summary>Spreads each output gradient evenly over its window (adds; clear first).</summary>
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, in ConvGeometry g, Span<float> inputGradient)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth;
        float scale = 1f / (g.KernelHeight * g.KernelWidth);
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            float share = outputGradient[i * ow + j] * scale;
            for (int u = 0; u < g.KernelHeight; u++)
            {
                int y = i * g.StrideHeight + u - g.PadTop;
                if ((uint)y >= (uint)g.Height) continue;
                for (int v = 0; v < g.KernelWidth; v++)
                {
                    int x = j * g.StrideWidth + v - g.PadLeft;
                    if ((uint)x < (uint)g.Width) inputGradient[y * g.Width + x] += share;
                }
            }
        }
    }
}
