using System.Globalization;
using SkiaSharp;

namespace ScratchNet.Cli.Reporting;

/// <summary>
/// Draws misclassified images in a grid of up to five columns, each enlarged by repeating pixels (nearest neighbour),
/// with the caption "true → predicted" and the network's probability for its (wrong) answer. Grey images are drawn
/// grey, three-channel ones in colour (red, green, blue). Pixel <c>[0, 0]</c> is the top-left corner, as in the data set.
/// </summary>
internal static class MisclassifiedGridImage
{
    private const float Gap = 12, ImageTarget = 140, MinCellWidth = 180;

    public static byte[] Render(IReadOnlyList<MisclassifiedSample> samples, IReadOnlyList<string> classNames)
    {
        if (samples.Count == 0) return Drawing.Placeholder("No misclassified test images to show.");
        samples = samples.Take(RunSummary.MaxMisclassified).ToArray();
        int maxH = samples.Max(s => s.Height), maxW = samples.Max(s => s.Width);
        int scale = Math.Max(1, (int)(ImageTarget / Math.Max(1, Math.Max(maxH, maxW))));
        int columns = Math.Min(5, samples.Count), rows = (samples.Count + columns - 1) / columns;
        const float captionSize = 13, detailSize = 11;
        float cellW = Math.Max(maxW * scale, MinCellWidth) + Gap, cellH = maxH * scale + 6 + captionSize + 4 + detailSize + Gap + 4;
        string arrow = Drawing.Arrow;
        string title = $"Misclassified test images, most confident first: true {arrow} predicted";
        int width = (int)MathF.Ceiling(Math.Max(columns * cellW + Gap, 480));
        float top = 2 * Gap + 16;
        int height = (int)MathF.Ceiling(top + rows * cellH + Gap);
        float gridLeft = (width - columns * cellW) / 2 + Gap / 2;

        return Drawing.Png(width, height, canvas =>
        {
            using (SKFont font = Drawing.FittingFont(title, width - 2 * Gap, 16))
                Drawing.Text(canvas, title, width / 2f, Gap + 16, font, Drawing.Ink, SKTextAlign.Center);
            for (int i = 0; i < samples.Count; i++)
            {
                MisclassifiedSample s = samples[i];
                int h = s.Height, w = s.Width;
                float cellX = gridLeft + i % columns * cellW, cellY = top + i / columns * cellH;
                float x0 = cellX + (cellW - Gap - w * scale) / 2, y0 = cellY + (maxH - h) * scale / 2f;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        Drawing.Fill(canvas, new SKRect(x0 + x * scale, y0 + y * scale, x0 + (x + 1) * scale, y0 + (y + 1) * scale), Colour(s, y, x));
                    }
                Drawing.Outline(canvas, new SKRect(x0 - 0.5f, y0 - 0.5f, x0 + w * scale + 0.5f, y0 + h * scale + 0.5f), Drawing.Muted);

                float centre = cellX + (cellW - Gap) / 2, textWidth = cellW - Gap;
                string caption = $"{Name(classNames, s.TrueClass)} {arrow} {Name(classNames, s.PredictedClass)}";
                float captionY = cellY + maxH * scale + 6 + captionSize;
                using (SKFont font = Drawing.FittingFont(caption, textWidth, captionSize))
                    Drawing.Text(canvas, caption, centre, captionY, font, Drawing.Ink, SKTextAlign.Center);
                string detail = string.Create(CultureInfo.InvariantCulture, $"p = {s.Probability:F2}, test image {s.Index}");
                using (SKFont font = Drawing.FittingFont(detail, textWidth, detailSize))
                    Drawing.Text(canvas, detail, centre, captionY + 4 + detailSize, font, Drawing.Muted, SKTextAlign.Center);
            }
        });
    }

    // Grey repeats the one channel; otherwise the first three are red, green and blue.
    private static SKColor Colour(MisclassifiedSample s, int y, int x) => s.Channels < 3
        ? new SKColor(s.Pixels[0, y, x], s.Pixels[0, y, x], s.Pixels[0, y, x])
        : new SKColor(s.Pixels[0, y, x], s.Pixels[1, y, x], s.Pixels[2, y, x]);

    private static string Name(IReadOnlyList<string> classNames, int index) =>
        (uint)index < (uint)classNames.Count ? classNames[index] : index.ToString(CultureInfo.InvariantCulture);
}
