using System.Globalization;
using SkiaSharp;

namespace ScratchNet.Cli.Reporting;

/// <summary>
/// Draws a confusion matrix as a heat map: true classes down the left, predicted classes along the bottom, the count
/// in every cell, cells shaded by their share of the row (so rare classes show as clearly as common ones) and each
/// row's recall on the right.
/// </summary>
internal static class ConfusionMatrixImage
{
    private const float Cell = 58, Gap = 10;

    public static byte[] Render(int[,] matrix, IReadOnlyList<string> classNames)
    {
        int n = matrix.GetLength(0);
        if (n == 0) return Drawing.Placeholder("No classes to show");
        using SKFont labelFont = Drawing.Font(14), titleFont = Drawing.Font(18), axisFont = Drawing.Font(15);
        string[] names = Enumerable.Range(0, n).Select(i => i < classNames.Count ? classNames[i] : i.ToString(CultureInfo.InvariantCulture)).ToArray();
        float labelWidth = names.Max(s => labelFont.MeasureText(s));
        var rowTotals = new int[n];
        int total = 0, correct = 0;
        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++) rowTotals[t] += matrix[t, p];
            total += rowTotals[t];
            correct += matrix[t, t];
        }

        float left = Gap + axisFont.Size + Gap + labelWidth + Gap, top = 2 * Gap + titleFont.Size + Gap;
        float gridSize = n * Cell, recallWidth = labelFont.MeasureText("recall") + 2 * Gap;
        float diagonal = labelWidth * MathF.Sqrt(0.5f) + labelFont.Size; // height of the labels turned 45°
        int width = (int)MathF.Ceiling(left + gridSize + recallWidth + Gap);
        int height = (int)MathF.Ceiling(top + gridSize + Gap + diagonal + Gap + axisFont.Size + 2 * Gap);
        string accuracy = total > 0 ? $", accuracy {100.0 * correct / total:F2}%" : "";
        string title = $"Confusion matrix: {total:N0} test images{accuracy}";

        return Drawing.Png(width, height, canvas =>
        {
            using (SKFont font = Drawing.FittingFont(title, width - 2 * Gap, titleFont.Size))
                Drawing.Text(canvas, title, width / 2f, Gap + titleFont.Size, font, Drawing.Ink, SKTextAlign.Center);
            for (int t = 0; t < n; t++)
            {
                float y = top + t * Cell;
                Drawing.Text(canvas, names[t], left - Gap, y + Cell / 2 + labelFont.Size / 3, labelFont, Drawing.Ink, SKTextAlign.Right);
                for (int p = 0; p < n; p++)
                {
                    float x = left + p * Cell;
                    double share = rowTotals[t] > 0 ? (double)matrix[t, p] / rowTotals[t] : 0;
                    var rect = new SKRect(x, y, x + Cell, y + Cell);
                    Drawing.Fill(canvas, rect, Shade(share));
                    Drawing.Outline(canvas, rect, new SKColor(0xE0, 0xE0, 0xE0));
                    string count = matrix[t, p].ToString(CultureInfo.InvariantCulture);
                    using SKFont font = Drawing.FittingFont(count, Cell - 6, labelFont.Size);
                    Drawing.Text(canvas, count, x + Cell / 2, y + Cell / 2 + font.Size / 3, font,
                        share > 0.45 ? SKColors.White : matrix[t, p] == 0 ? new SKColor(0xB0, 0xB0, 0xB0) : Drawing.Ink, SKTextAlign.Center);
                }
                string recall = rowTotals[t] > 0 ? $"{100.0 * matrix[t, t] / rowTotals[t]:F1}%" : "–";
                Drawing.Text(canvas, recall, left + gridSize + Gap, y + Cell / 2 + labelFont.Size / 3, labelFont, Drawing.Muted);
            }
            Drawing.Outline(canvas, new SKRect(left, top, left + gridSize, top + gridSize), Drawing.Muted);
            Drawing.Text(canvas, "recall", left + gridSize + Gap, top - Gap / 2, labelFont, Drawing.Muted);

            // Predicted class names under the columns, turned 45° and ending under their column.
            for (int p = 0; p < n; p++)
            {
                float x = left + p * Cell + Cell / 2 + labelFont.Size / 3, y = top + gridSize + Gap;
                canvas.Save();
                canvas.RotateDegrees(-45, x, y);
                Drawing.Text(canvas, names[p], x, y, labelFont, Drawing.Ink, SKTextAlign.Right);
                canvas.Restore();
            }
            Drawing.Text(canvas, "Predicted class", left + gridSize / 2, height - 2 * Gap, axisFont, Drawing.Ink, SKTextAlign.Center);
            canvas.Save();
            canvas.RotateDegrees(-90, Gap + axisFont.Size, top + gridSize / 2);
            Drawing.Text(canvas, "True class", Gap + axisFont.Size, top + gridSize / 2, axisFont, Drawing.Ink, SKTextAlign.Center);
            canvas.Restore();
        });
    }

    // White for 0 through to dark blue for 1.
    private static SKColor Shade(double share)
    {
        double s = Math.Clamp(share, 0, 1);
        static byte Mix(double from, double to, double s) => (byte)Math.Round(from + (to - from) * s);
        return new SKColor(Mix(255, 8, s), Mix(255, 48, s), Mix(255, 107, s));
    }
}
