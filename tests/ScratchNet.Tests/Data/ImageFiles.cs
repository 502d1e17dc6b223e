using SkiaSharp;

namespace ScratchNet.Tests.Data;

/// <summary>
/// Writes small image files for the loader tests: PNG and JPEG encoded by SkiaSharp (which the CLI already brings),
/// BMP by hand (24-bit, bottom-up rows). Pixels are given CHW: 1 plane (grey), 3 (RGB) or 4 (RGBA).
/// </summary>
internal static class ImageFiles
{
    public static string Png(string path, byte[] chw, int channels, int height, int width) =>
        Encode(path, chw, channels, height, width, SKEncodedImageFormat.Png);

    public static string Jpeg(string path, byte[] chw, int channels, int height, int width) =>
        Encode(path, chw, channels, height, width, SKEncodedImageFormat.Jpeg);

    public static string Bmp(string path, byte[] chw, int height, int width)
    {
        int plane = height * width, stride = (width * 3 + 3) / 4 * 4;
        var bytes = new byte[54 + stride * height];
        "BM"u8.CopyTo(bytes);
        BitConverter.GetBytes(bytes.Length).CopyTo(bytes, 2);
        BitConverter.GetBytes(54).CopyTo(bytes, 10);
        BitConverter.GetBytes(40).CopyTo(bytes, 14);
        BitConverter.GetBytes(width).CopyTo(bytes, 18);
        BitConverter.GetBytes(height).CopyTo(bytes, 22);
        BitConverter.GetBytes((short)1).CopyTo(bytes, 26);
        BitConverter.GetBytes((short)24).CopyTo(bytes, 28);
        BitConverter.GetBytes(stride * height).CopyTo(bytes, 34);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int at = 54 + (height - 1 - y) * stride + x * 3, p = y * width + x;
                bytes[at] = chw[2 * plane + p]; // B, G, R
                bytes[at + 1] = chw[plane + p];
                bytes[at + 2] = chw[p];
            }
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Random bytes, seeded.</summary>
    public static byte[] Random(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Encode(string path, byte[] chw, int channels, int height, int width, SKEncodedImageFormat format)
    {
        int plane = height * width;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SKImageInfo info;
        byte[] interleaved;
        if (channels == 1)
        {
            info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
            interleaved = chw;
        }
        else
        {
            info = new SKImageInfo(width, height, SKColorType.Rgba8888, channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
            interleaved = new byte[plane * 4];
            for (int p = 0; p < plane; p++)
                for (int c = 0; c < 4; c++)
                    interleaved[p * 4 + c] = c < channels ? chw[c * plane + p] : (byte)255;
        }
        using var data = SKData.CreateCopy(interleaved);
        using var image = SKImage.FromPixels(info, data, info.RowBytes);
        using var encoded = image.Encode(format, 95);
        File.WriteAllBytes(path, encoded.ToArray());
        return path;
    }
}
