using System.Globalization;
using SkiaSharp;

namespace ScratchNet.Cli.Reporting;

/// <summary>
/// Draws convolution filters (OIHW weights) as a grid of small pictures, enlarged by repeating pixels (nearest
/// neighbour) so a 5×5 kernel stays sharp. Kernel row 0 is at the top and column 0 at the left, as the kernel meets
/// the image. A filter over three input channels (a colour model's first layer) is one colour picture, its channels
/// red, green and blue, all three scaled together from the filter's minimum to its maximum, so its hue shows which
/// colours it responds to. Otherwise each filter slice is a grey picture scaled from its own minimum (black) to its
/// own maximum (white).
/// </summary>
internal static class FilterGridImage
{
    private const float Gap = 12, TileTarget = 80;

    public static byte[] Render(Tensor? weights)
    {
        if (weights is null) return Drawing.Placeholder("This model has no convolution layer, so there are no filters to show.");
        if (weights.Rank != 4 || weights.Length == 0)
            throw new ArgumentException($"Convolution weights must be OIHW [out channels, in channels, kernel height, kernel width], got {weights.ShapeText}.", nameof(weights));
        int outChannels = weights.Dim(0), inChannels = weights.Dim(1), kh = weights.Dim(2), kw = weights.Dim(3);
        bool colour = inChannels == 3;
        int scale = Math.Max(1, (int)(TileTarget / Math.Max(kh, kw)));
        float tileW = kw * scale, tileH = kh * scale;

        // One input channel or colour: a near-square grid of filters. Several: a row per filter, a column per input channel.
        int slices = colour ? 1 : inChannels, tiles = outChannels * slices;
        int columns = slices == 1 ? (int)Math.Ceiling(Math.Sqrt(outChannels)) : inChannels;
        int rows = (tiles + columns - 1) / columns;

        using SKFont labelFont = Drawing.Font(12);
        string line1 = $"First convolution layer: {outChannels} filters of {inChannels}×{kh}×{kw}" + (slices > 1 ? " (row: filter, column: input channel)" : "");
        string line2 = colour
            ? "input channels as red, green and blue, each filter scaled from its own minimum to its maximum"
            : "each scaled from its own minimum (black) to its maximum (white)";
        float cellW = Math.Max(tileW, labelFont.MeasureText("00:00")) + Gap, cellH = tileH + labelFont.Size + Gap + 4;
        int width = (int)MathF.Ceiling(Math.Max(columns * cellW + Gap, 460));
        float top = 2 * Gap + 16 + 14 + Gap;
        int height = (int)MathF.Ceiling(top + rows * cellH + Gap);
        float gridLeft = (width - columns * cellW) / 2 + Gap / 2;

        float[] values = weights.Span.ToArray();
        int plane = kh * kw;
        return Drawing.Png(width, height, canvas =>
        {
            using (SKFont font = Drawing.FittingFont(line1, width - 2 * Gap, 16))
                Drawing.Text(canvas, line1, width / 2f, Gap + 16, font, Drawing.Ink, SKTextAlign.Center);
            using (SKFont font = Drawing.FittingFont(line2, width - 2 * Gap, 13))
                Drawing.Text(canvas, line2, width / 2f, Gap + 16 + 6 + 13, font, Drawing.Muted, SKTextAlign.Center);
            for (int tile = 0; tile < tiles; tile++)
            {
                int o = tile / slices, c = tile % slices;
                float x0 = gridLeft + tile % columns * cellW, y0 = top + tile / columns * cellH;
                // The values scaled together: the whole filter in colour, one input channel's slice in grey.
                ReadOnlySpan<float> scaled = colour ? values.AsSpan(o * 3 * plane, 3 * plane) : values.AsSpan((o * inChannels + c) * plane, plane);
                var (min, max) = Range(scaled);
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int i = ky * kw + kx;
                        SKColor pixel = colour
                            ? new SKColor(Level(scaled[i], min, max), Level(scaled[plane + i], min, max), Level(scaled[2 * plane + i], min, max))
                            : Grey(Level(scaled[i], min, max));
                        Drawing.Fill(canvas, new SKRect(x0 + kx * scale, y0 + ky * scale, x0 + (kx + 1) * scale, y0 + (ky + 1) * scale), pixel);
                    }
                Drawing.Outline(canvas, new SKRect(x0 - 0.5f, y0 - 0.5f, x0 + tileW + 0.5f, y0 + tileH + 0.5f), Drawing.Muted);
                string label = slices == 1 ? o.ToString(CultureInfo.InvariantCulture) : $"{o}:{c}";
                Drawing.Text(canvas, label, x0 + tileW / 2, y0 + tileH + labelFont.Size + 3, labelFont, Drawing.Muted, SKTextAlign.Center);
            }
        });
    }

    // The smallest and largest finite values.
    private static (float Min, float Max) Range(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    // 0 at min, 255 at max; mid-grey for a flat filter or a value that is not finite.
    private static byte Level(float v, float min, float max) =>
        !float.IsFinite(v) || !(max > min) ? (byte)128 : (byte)Math.Round(255 * (v - min) / (max - min));

    private static SKColor Grey(byte level) => new(level, level, level);
}
