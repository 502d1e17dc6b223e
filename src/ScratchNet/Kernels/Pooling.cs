using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// A NaN in the window wins: the output is the first NaN and its index.
    /// </summary>
    public static void MaxForward(ReadOnlySpan<float> plane, in ConvGeometry g, Span<float> output, Span<int> argMax)
    {
        if (Uses2x2Path(g))
            MaxForward2x2(plane, g.Width, g.OutputHeight, g.OutputWidth, output, argMax, vectorized: true);
        else
            MaxForwardWindows(plane, g, output, argMax);
    }

    /// <summary>
    /// Whether <see cref="MaxForward"/> takes the fast path: a 2×2 window with stride 2 and no top or left
    /// padding whose windows all lie inside the plane (any bottom or right padding goes unused).
    /// </summary>
    internal static bool Uses2x2Path(in ConvGeometry g) =>
        g is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, PadTop: 0, PadLeft: 0 }
        && 2 * g.OutputHeight <= g.Height && 2 * g.OutputWidth <= g.Width;

    /// <summary>Max pooling for any window, stride and padding: the definition, one window at a time.</summary>
    internal static void MaxForwardWindows(ReadOnlySpan<float> plane, in ConvGeometry g, Span<float> output, Span<int> argMax)
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

    /// <summary>
    /// The common 2×2, stride 2 window that lies inside the image (2·<paramref name="oh"/> rows and
    /// 2·<paramref name="ow"/> columns of a plane <paramref name="width"/> wide): the same outputs and
    /// indices as <see cref="MaxForwardWindows"/>, four outputs per SSE step when
    /// <paramref name="vectorized"/> and the hardware allows, else one at a time.
    /// </summary>
    internal static void MaxForward2x2(ReadOnlySpan<float> plane, int width, int oh, int ow, Span<float> output, Span<int> argMax, bool vectorized)
    {
        if (oh <= 0 || ow <= 0) return;
        // Check every length once: the loops below read and write without bounds checks.
        plane = plane[..((2 * oh - 1) * width + 2 * ow)];
        output = output[..(oh * ow)];
        argMax = argMax[..(oh * ow)];
        ref float x = ref MemoryMarshal.GetReference(plane);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref int arg = ref MemoryMarshal.GetReference(argMax);
        // Rows of at least four outputs go four at a time; narrower ones are left to the scalar loop.
        bool vectorRows = vectorized && Sse.IsSupported && ow >= 4;
        for (int i = 0; i < oh; i++)
        {
            int top = 2 * i * width;
            ref float yRow = ref Unsafe.Add(ref y, i * ow);
            ref int argRow = ref Unsafe.Add(ref arg, i * ow);
            if (vectorRows) MaxRow2x2Sse(ref x, top, width, ow, ref yRow, ref argRow);
            else MaxRow2x2Scalar(ref x, top, width, ow, ref yRow, ref argRow);
        }
    }

    // One output row from input rows top and top + width: each window's candidates in row-major order
    // k0 = top + 2j, k1 = k0 + 1, k2 = k0 + width, k3 = k2 + 1.
    private static void MaxRow2x2Scalar(ref float x, int top, int width, int ow, ref float y, ref int arg)
    {
        for (int j = 0; j < ow; j++)
        {
            int k0 = top + 2 * j, k2 = k0 + width;
            float best = Unsafe.Add(ref x, k0);
            int index = k0;
            TakeIfBetter(ref best, ref index, Unsafe.Add(ref x, k0 + 1), k0 + 1);
            TakeIfBetter(ref best, ref index, Unsafe.Add(ref x, k2), k2);
            TakeIfBetter(ref best, ref index, Unsafe.Add(ref x, k2 + 1), k2 + 1);
            Unsafe.Add(ref y, j) = best;
            Unsafe.Add(ref arg, j) = index;
        }
    }

    // A later candidate wins if it is strictly greater (the first maximum keeps ties, −0 and +0 included)
    // or a NaN, unless a NaN already won. !(c <= best) is "c > best or either is NaN".
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeIfBetter(ref float best, ref int index, float candidate, int candidateIndex)
    {
        if (!(candidate <= best) & !float.IsNaN(best)) (best, index) = (candidate, candidateIndex);
    }

    // The same row, four outputs per step, branch-free. The last step is moved back to end at ow, so it may
    // redo a few outputs (with the same result) instead of leaving a scalar tail; needs ow ≥ 4.
    private static void MaxRow2x2Sse(ref float x, int top, int width, int ow, ref float y, ref int arg)
    {
        // Where each candidate sits relative to k0, and k0 of the four windows relative to the first.
        Vector128<int> right = Vector128.Create(1), below = Vector128.Create(width), belowRight = Vector128.Create(width + 1);
        Vector128<int> steps = Vector128.Create(0, 2, 4, 6);
        for (int j = 0; ; j += 4)
        {
            if (j > ow - 4) j = ow - 4;
            nuint k0 = (nuint)(top + 2 * j), k2 = k0 + (nuint)width;
            // Eight values from each input row hold the four windows; split them into even columns
            // [a0 a2 b0 b2] (left candidates) and odd columns [a1 a3 b1 b3] (right), in output order.
            Vector128<float> a = Vector128.LoadUnsafe(ref x, k0), b = Vector128.LoadUnsafe(ref x, k0 + 4);
            Vector128<float> c = Vector128.LoadUnsafe(ref x, k2), d = Vector128.LoadUnsafe(ref x, k2 + 4);
            Vector128<float> best = Sse.Shuffle(a, b, 0b10_00_10_00);
            Vector128<int> offset = Vector128<int>.Zero;
            TakeIfBetter(ref best, ref offset, Sse.Shuffle(a, b, 0b11_01_11_01), right);
            TakeIfBetter(ref best, ref offset, Sse.Shuffle(c, d, 0b10_00_10_00), below);
            TakeIfBetter(ref best, ref offset, Sse.Shuffle(c, d, 0b11_01_11_01), belowRight);
            best.StoreUnsafe(ref y, (nuint)j);
            (Vector128.Create((int)k0) + steps + offset).StoreUnsafe(ref arg, (nuint)j);
            if (j == ow - 4) return;
        }
    }

    // The vector form of the scalar rule, lane by lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeIfBetter(ref Vector128<float> best, ref Vector128<int> offset, Vector128<float> candidate, Vector128<int> candidateOffset)
    {
        Vector128<float> take = Sse.CompareNotLessThanOrEqual(candidate, best) & Sse.CompareOrdered(best, best);
        best = Vector128.ConditionalSelect(take, candidate, best);
        offset = Vector128.ConditionalSelect(take.AsInt32(), candidateOffset, offset);
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
