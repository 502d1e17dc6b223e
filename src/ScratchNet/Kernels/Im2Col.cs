namespace ScratchNet.Kernels;

/// <summary>
/// im2col lays every receptive field of an image out as a column, so a convolution becomes one
/// matrix product; col2im is its adjoint and scatters columns back, adding where windows overlap.
/// </summary>
/// <remarks>
/// Layout: image is [C, H, W]; columns are [C·KH·KW, OH·OW], row (c, u, v) holding
/// x[c, oh·sh + u − padTop, ow·sw + v − padLeft] for every output position (oh, ow), zero outside the image.
/// </remarks>
public static class Im2Col
{
    /// <summary>Fills <paramref name="columns"/> ([C·KH·KW, OH·OW]) from <paramref name="image"/> ([C, H, W]).</summary>
    public static void Expand(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> columns)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            ReadOnlySpan<float> channel = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int u = 0; u < g.KernelHeight; u++)
            for (int v = 0; v < g.KernelWidth; v++, row++)
            {
                Span<float> destination = columns.Slice(row * plane, plane);
                for (int y = 0; y < oh; y++)
                {
                    Span<float> line = destination.Slice(y * ow, ow);
                    int iy = y * g.StrideHeight + u - g.PadTop;
                    if ((uint)iy >= (uint)g.Height)
                    {
                        line.Clear();
                        continue;
                    }
                    ReadOnlySpan<float> source = channel.Slice(iy * g.Width, g.Width);
                    CopyRow(source, line, v - g.PadLeft, g.StrideWidth);
                }
            }
        }
    }

    /// <summary>Adds the columns back into <paramref name="image"/> (which is not cleared first).</summary>
    public static void Fold(ReadOnlySpan<float> columns, in ConvGeometry g, Span<float> image)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            Span<float> channel = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int u = 0; u < g.KernelHeight; u++)
            for (int v = 0; v < g.KernelWidth; v++, row++)
            {
                ReadOnlySpan<float> source = columns.Slice(row * plane, plane);
                for (int y = 0; y < oh; y++)
                {
                    int iy = y * g.StrideHeight + u - g.PadTop;
                    if ((uint)iy >= (uint)g.Height) continue;
                    Span<float> target = channel.Slice(iy * g.Width, g.Width);
                    AddRow(source.Slice(y * ow, ow), target, v - g.PadLeft, g.StrideWidth);
                }
            }
        }
    }

    // line[x] = source[x·stride + offset], zero where that falls outside the source row.
    private static void CopyRow(ReadOnlySpan<float> source, Span<float> line, int offset, int stride)
    {
        (int first, int end) = InsideRange(line.Length, source.Length, offset, stride);
        line[..first].Clear();
        if (stride == 1)
            source.Slice(first + offset, end - first).CopyTo(line[first..end]);
        else
            for (int x = first; x < end; x++) line[x] = source[x * stride + offset];
        line[end..].Clear();
    }

    // target[x·stride + offset] += line[x] where that falls inside the target row.
    private static void AddRow(ReadOnlySpan<float> line, Span<float> target, int offset, int stride)
    {
        (int first, int end) = InsideRange(line.Length, target.Length, offset, stride);
        if (stride == 1)
        {
            Span<float> t = target.Slice(first + offset, end - first);
            System.Numerics.Tensors.TensorPrimitives.Add(t, line[first..end], t);
        }
        else
            for (int x = first; x < end; x++) target[x * stride + offset] += line[x];
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
