using SkiaSharp;

namespace ScratchNet.Cli.Reporting;

/// <summary>Shared SkiaSharp pieces for the report's pictures: the typeface, text and PNG encoding.</summary>
/// <remarks>
/// SkiaSharp's Linux "NoDependencies" native library reads fonts from <c>/usr/share/fonts</c> without fontconfig;
/// without any font there, pictures still render but carry no text.
/// </remarks>
internal static class Drawing
{
    private static readonly Lazy<SKTypeface> LazyTypeface = new(() =>
    {
        foreach (string family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" })
        {
            SKTypeface? typeface = SKTypeface.FromFamilyName(family);
            if (typeface is not null && string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase)) return typeface;
            if (typeface is not null && typeface != SKTypeface.Default) typeface.Dispose();
        }
        return SKTypeface.Default;
    });

    private static readonly Lazy<string> LazyArrow = new(() =>
    {
        using SKFont font = Font(12);
        return font.ContainsGlyphs("→") ? "→" : "->";
    });

    public static readonly SKColor Ink = new(0x20, 0x20, 0x20);
    public static readonly SKColor Muted = new(0x70, 0x70, 0x70);

    /// <summary>The typeface all text is drawn with.</summary>
    public static SKTypeface Typeface => LazyTypeface.Value;

    /// <summary>"→" when the typeface has it, "->" otherwise.</summary>
    public static string Arrow => LazyArrow.Value;

    /// <summary>A font of <paramref name="size"/> pixels; the caller disposes it.</summary>
    public static SKFont Font(float size) => new(Typeface, size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    /// <summary>A font (the caller disposes it) of at most <paramref name="size"/> (and at least <paramref name="minSize"/>) in which <paramref name="text"/> fits <paramref name="width"/>.</summary>
    public static SKFont FittingFont(string text, float width, float size, float minSize = 8)
    {
        SKFont font = Font(size);
        float measured = font.MeasureText(text);
        if (measured <= width || measured <= 0) return font;
        font.Size = Math.Max(minSize, size * width / measured);
        return font;
    }

    public static void Text(SKCanvas canvas, string text, float x, float y, SKFont font, SKColor color, SKTextAlign align = SKTextAlign.Left)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, x, y, align, font, paint);
    }

    public static void Fill(SKCanvas canvas, SKRect rect, SKColor color)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = false, Style = SKPaintStyle.Fill };
        canvas.DrawRect(rect, paint);
    }

    public static void Outline(SKCanvas canvas, SKRect rect, SKColor color, float width = 1)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = width };
        canvas.DrawRect(rect, paint);
    }

    /// <summary>Draws a white canvas of the given size with <paramref name="draw"/> and returns it as PNG bytes.</summary>
    public static byte[] Png(int width, int height, Action<SKCanvas> draw)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            draw(canvas);
            canvas.Flush();
        }
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A picture that only says <paramref name="message"/>, for a section with nothing to show.</summary>
    public static byte[] Placeholder(string message, int width = 640, int height = 120) => Png(width, height, canvas =>
    {
        using SKFont font = FittingFont(message, width - 40, 18);
        Text(canvas, message, width / 2f, height / 2f + font.Size / 3, font, Muted, SKTextAlign.Center);
    });
}
