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
    /// <summary>Fills <paramref name="columns"/> ([C·KH·KW, OH·OW]) from <paramref name="image"/> ([C, H, W]).</summary>
    public static void Expand(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> columns)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow, channelSize = g.Height * g.Width;
        if (image.Length < g.ImageLength || columns.Length < g.PatchLength * plane)
            throw new ArgumentException($"im2col: the image needs {g.ImageLength} values and the columns {g.PatchLength * plane}.");
        fixed (float* src = image, dst = columns)
        {
            float* row = dst;
            for (int c = 0; c < g.Channels; c++)
            for (int u = 0; u < g.KernelHeight; u++)
            for (int v = 0; v < g.KernelWidth; v++, row += plane)
            {
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

    /// <summary>Adds the columns back into <paramref name="image"/> (which is not cleared first).</summary>
    public static void Fold(ReadOnlySpan<float> columns, in ConvGeometry g, Span<float> image)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow, channelSize = g.Height * g.Width;
        if (image.Length < g.ImageLength || columns.Length < g.PatchLength * plane)
            throw new ArgumentException($"col2im: the image needs {g.ImageLength} values and the columns {g.PatchLength * plane}.");
        fixed (float* src = columns, dst = image)
        {
            float* row = src;
            for (int c = 0; c < g.Channels; c++)
            for (int u = 0; u < g.KernelHeight; u++)
            for (int v = 0; v < g.KernelWidth; v++, row += plane)
            {
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
