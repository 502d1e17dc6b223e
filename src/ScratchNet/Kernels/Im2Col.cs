using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Kernels;

/// <summary>
/// im2col lays every receptive field of an image out as a column, so a convolution becomes one
/// matrix product; col2im is its adjoint and scatters columns back, adding where windows overlap.
/// </summary>
/// <remarks>
/// Layout: image is [C, H, W]; columns are [C·KH·KW, OH·OW], row (c, u, v) holding
/// x[c, oh·sh + u − padTop, ow·sw + v − padLeft] for every output position (oh, ow), zero outside the image.
/// Each row of the columns is the input channel shifted by (u, v): for every output line, the part that
/// falls inside the image is one contiguous run (stride 1) or a strided gather, and the rest is zero.
/// </remarks>
public static unsafe class Im2Col
{
    // Fold's copy of one columns row with its wrapped ends zeroed (one per thread, grown as needed).
    [ThreadStatic] private static float[]? t_edgeless;

    /// <summary>
    /// Fills <paramref name="columns"/> ([C·KH·KW, OH·OW], each row <paramref name="rowStride"/> values after the one
    /// before, OH·OW when 0) from <paramref name="image"/> ([C, H, W]). A stride of k·OH·OW lays out k images side by
    /// side, each expanded at its own offset, so that one matrix product serves them all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Expand(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> columns, int rowStride = 0)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow, channelSize = g.Height * g.Width;
        rowStride = CheckedRowStride(rowStride, plane, g, image.Length, columns.Length, "im2col");
        fixed (float* src = image, dst = columns)
        {
            float* row = dst;
            for (int c = 0; c < g.Channels; c++)
            for (int u = 0; u < g.KernelHeight; u++)
            for (int v = 0; v < g.KernelWidth; v++, row += rowStride)
            {
                if (IsPlaneShift(g, v))
                {
                    ExpandShiftedPlane(src + c * channelSize, row, g, u, v);
                    continue;
                }
                var (first, end) = InsideRange(ow, g.Width, v - g.PadLeft, g.StrideWidth);
                float* channel = src + c * channelSize;
                for (int y = 0; y < oh; y++)
                {
                    float* line = row + y * ow;
                    int iy = y * g.StrideHeight + u - g.PadTop;
                    if ((uint)iy >= (uint)g.Height)
                    {
                        new Span<float>(line, ow).Clear();
                        continue;
                    }
                    for (int x = 0; x < first; x++) line[x] = 0;
                    float* source = channel + iy * g.Width + (v - g.PadLeft);
                    if (g.StrideWidth == 1) Copy(source + first, line + first, end - first);
                    else for (int x = first; x < end; x++) line[x] = source[x * g.StrideWidth];
                    for (int x = end; x < ow; x++) line[x] = 0;
                }
            }
        }
    }

    /// <summary>
    /// Adds the columns back into <paramref name="image"/> (which is not cleared first); <paramref name="rowStride"/> as
    /// in <see cref="Expand"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(ReadOnlySpan<float> columns, in ConvGeometry g, Span<float> image, int rowStride = 0)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow, channelSize = g.Height * g.Width;
        rowStride = CheckedRowStride(rowStride, plane, g, image.Length, columns.Length, "col2im");
        if (t_edgeless is null || t_edgeless.Length < plane) t_edgeless = new float[plane];
        fixed (float* src = columns, dst = image, edgeless = t_edgeless)
        {
            float* row = src;
            for (int c = 0; c < g.Channels; c++)
            for (int u = 0; u < g.KernelHeight; u++)
            for (int v = 0; v < g.KernelWidth; v++, row += rowStride)
            {
                if (IsPlaneShift(g, v))
                {
                    FoldShiftedPlane(row, dst + c * channelSize, edgeless, g, u, v);
                    continue;
                }
                var (first, end) = InsideRange(ow, g.Width, v - g.PadLeft, g.StrideWidth);
                float* channel = dst + c * channelSize;
                for (int y = 0; y < oh; y++)
                {
                    int iy = y * g.StrideHeight + u - g.PadTop;
                    if ((uint)iy >= (uint)g.Height) continue;
                    float* line = row + y * ow;
                    float* target = channel + iy * g.Width + (v - g.PadLeft);
                    if (g.StrideWidth == 1) Add(line + first, target + first, end - first);
                    else for (int x = first; x < end; x++) target[x * g.StrideWidth] += line[x];
                }
            }
        }
    }

    // The row stride to use (the plane when 0), after checking that the image and the columns are long enough.
    private static int CheckedRowStride(int rowStride, int plane, in ConvGeometry g, int imageLength, int columnsLength, string what)
    {
        if (rowStride == 0) rowStride = plane;
        if (rowStride < plane) throw new ArgumentException($"{what}: a row stride of {rowStride} is shorter than the {plane} output positions.");
        long needed = (long)(g.PatchLength - 1) * rowStride + plane;
        if (imageLength < g.ImageLength || columnsLength < needed)
            throw new ArgumentException($"{what}: the image needs {g.ImageLength} values and the columns {needed}.");
        return rowStride;
    }

    // With stride 1 and output rows as wide as the input's, row (c, u, v) of the columns is channel c shifted by
    // one offset d = (u − padTop)·W + (v − padLeft): one long copy instead of a short one per output line, and
    // then zeros where the window leaves the image (whole lines at the top and bottom, |v − padLeft| values at
    // one end of every line, which the long copy filled from the neighbouring line).
    private static bool IsPlaneShift(in ConvGeometry g, int v) =>
        g.StrideHeight == 1 && g.StrideWidth == 1 && g.OutputWidth == g.Width && Math.Abs(v - g.PadLeft) < g.Width;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExpandShiftedPlane(float* channel, float* row, in ConvGeometry g, int u, int v)
    {
        int width = g.Width, shift = v - g.PadLeft;
        var (top, bottom, start, end) = ShiftedRange(g, u, shift);
        new Span<float>(row, top * width).Clear();
        new Span<float>(row + bottom * width, (g.OutputHeight - bottom) * width).Clear();
        if (end > start) Copy(channel + start + (u - g.PadTop) * width + shift, row + start, end - start);
        ClearWrappedEnds(row, width, top, bottom, shift);
    }

    // The adjoint: the same long run added back, through a copy whose wrapped ends are zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldShiftedPlane(float* row, float* channel, float* edgeless, in ConvGeometry g, int u, int v)
    {
        int width = g.Width, shift = v - g.PadLeft;
        var (top, bottom, start, end) = ShiftedRange(g, u, shift);
        if (end <= start) return;
        float* source = row;
        if (shift != 0)
        {
            Copy(row + start, edgeless + start, end - start);
            ClearWrappedEnds(edgeless, width, top, bottom, shift);
            source = edgeless;
        }
        Add(source + start, channel + start + (u - g.PadTop) * width + shift, end - start);
    }

    // Output lines [top, bottom) see image lines; within them, [start, end) is the run whose source lies in the image.
    private static (int Top, int Bottom, int Start, int End) ShiftedRange(in ConvGeometry g, int u, int shift)
    {
        int top = Math.Clamp(g.PadTop - u, 0, g.OutputHeight), bottom = Math.Clamp(g.Height + g.PadTop - u, top, g.OutputHeight);
        return (top, bottom, top * g.Width + Math.Max(0, -shift), bottom * g.Width - Math.Max(0, shift));
    }

    // Zeros the |shift| values at the start (shift < 0) or end (shift > 0) of lines [top, bottom).
    private static void ClearWrappedEnds(float* rows, int width, int top, int bottom, int shift)
    {
        if (shift == 0) return;
        int offset = shift < 0 ? 0 : width - shift, count = Math.Abs(shift);
        for (int y = top; y < bottom; y++)
            for (int x = 0; x < count; x++) rows[y * width + offset + x] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* source, float* destination, int count)
    {
        int i = 0;
        for (; i <= count - 8; i += 8) Vector256.Store(Vector256.Load(source + i), destination + i);
        for (; i < count; i++) destination[i] = source[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* source, float* destination, int count)
    {
        int i = 0;
        for (; i <= count - 8; i += 8) Vector256.Store(Vector256.Load(destination + i) + Vector256.Load(source + i), destination + i);
        for (; i < count; i++) destination[i] += source[i];
    }

    // The output columns x in [first, end) whose input column x·stride + offset lies in [0, width).
    private static (int First, int End) InsideRange(int outputs, int width, int offset, int stride)
    {
        int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int end = width - offset <= 0 ? 0 : Math.Min(outputs, (width - offset - 1) / stride + 1);
        first = Math.Min(first, outputs);
        return (first, Math.Max(first, end));
    }
}
