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
        if (g is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, PadTop: 0, PadLeft: 0 } && 2 * oh <= g.Height && 2 * ow <= g.Width)
        {
            MaxForward2x2(plane, g.Width, oh, ow, output, argMax);
            return;
        }
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

    // The common 2×2, stride 2 window, always inside the image: same result as the general loop, no bounds checks.
    private static void MaxForward2x2(ReadOnlySpan<float> plane, int width, int oh, int ow, Span<float> output, Span<int> argMax)
    {
        for (int i = 0; i < oh; i++)
        {
            int top = 2 * i * width, bottom = top + width;
            for (int j = 0; j < ow; j++)
            {
                int k0 = top + 2 * j, k1 = k0 + 1, k2 = bottom + 2 * j, k3 = k2 + 1;
                float best = plane[k0];
                int index = k0;
                if (!float.IsNaN(best))
                {
                    // Strictly greater keeps the first maximum on ties; a NaN wins and ends the search.
                    if (plane[k1] > best || float.IsNaN(plane[k1])) (best, index) = (plane[k1], k1);
                    if (!float.IsNaN(best) && (plane[k2] > best || float.IsNaN(plane[k2]))) (best, index) = (plane[k2], k2);
                    if (!float.IsNaN(best) && (plane[k3] > best || float.IsNaN(plane[k3]))) (best, index) = (plane[k3], k3);
                }
                output[i * ow + j] = best;
                argMax[i * ow + j] = index;
            }
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
