using SkiaSharp;

namespace ScratchNet.Tests.Cli;

/// <summary>Reads back the report's PNGs: how many pixels are clearly coloured rather than grey.</summary>
internal static class ColourPictures
{
    /// <summary>Pixels whose largest and smallest colour components differ by more than <paramref name="spread"/>.</summary>
    public static int Coloured(byte[] png, int spread = 100)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return Coloured(bitmap, p => Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > spread);
    }

    /// <summary>Pixels of <paramref name="png"/> close to <paramref name="colour"/> (each component within 40).</summary>
    public static int Near(byte[] png, SKColor colour)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        return Coloured(bitmap, p => Math.Abs(p.Red - colour.Red) < 40 && Math.Abs(p.Green - colour.Green) < 40 && Math.Abs(p.Blue - colour.Blue) < 40);
    }

    private static int Coloured(SKBitmap bitmap, Func<SKColor, bool> match)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (match(bitmap.GetPixel(x, y))) count++;
        return count;
    }
}
