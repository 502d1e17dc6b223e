using System.Text;
using ScratchNet.Data;
using SkiaSharp;

namespace ScratchNet.Bench.Data;

/// <summary>
/// Writes an IDX data set out in the layouts users bring: PNG class folders (<c>train/</c> and <c>test/</c>, one folder
/// per class named "{label}-{name}" so that sorting the names keeps the label order, files named by their IDX index)
/// and Kaggle-style CSV (<c>label,pixel1,…,pixelN</c> with a header, rows in IDX order).
/// </summary>
internal static class Export
{
    public static void Png(ImageDataset train, ImageDataset test, string directory, int copies, bool tint = false)
    {
        for (int copy = 0; copy < copies; copy++)
        {
            WritePng(train, Path.Combine(directory, "train"), copy, tint);
            if (copy == 0) WritePng(test, Path.Combine(directory, "test"), copy, tint);
        }
    }

    // A colour case from real data: image i keeps its shape but takes one of six tints (red, green, blue, cyan, magenta,
    // yellow, by i mod 6), unrelated to its class, so the model must learn shapes across colours.
    private static readonly (float R, float G, float B)[] Tints = [(1, 0.2f, 0.2f), (0.2f, 1, 0.2f), (0.2f, 0.3f, 1), (0.2f, 1, 1), (1, 0.2f, 1), (1, 1, 0.2f)];

    public static string ClassFolder(ImageDataset data, int label) => $"{label}-{data.ClassNames[label].Replace('/', '_')}";

    public static string FileName(int index, int copy) => copy == 0 ? $"{index:D5}.png" : $"{index:D5}-{copy}.png";

    private static void WritePng(ImageDataset data, string directory, int copy, bool tint)
    {
        for (int label = 0; label < data.ClassCount; label++) Directory.CreateDirectory(Path.Combine(directory, ClassFolder(data, label)));
        int height = data.SampleShape[1], width = data.SampleShape[2], sample = height * width;
        Parallel.For(0, data.Count, i =>
        {
            using var bitmap = new SKBitmap(new SKImageInfo(width, height, tint ? SKColorType.Rgba8888 : SKColorType.Gray8, SKAlphaType.Opaque));
            Span<byte> pixels = bitmap.GetPixelSpan();
            ReadOnlySpan<float> image = data.Images.Span.Slice(i * sample, sample);
            var (r, g, b) = Tints[i % Tints.Length];
            for (int p = 0; p < sample; p++)
            {
                if (!tint)
                {
                    pixels[p] = (byte)image[p];
                    continue;
                }
                (pixels[4 * p], pixels[4 * p + 1], pixels[4 * p + 2], pixels[4 * p + 3]) = ((byte)(image[p] * r), (byte)(image[p] * g), (byte)(image[p] * b), 255);
            }
            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(directory, ClassFolder(data, data.Labels[i]), FileName(i, copy)), png.ToArray());
        });
    }

    public static void Csv(ImageDataset data, string path)
    {
        int sample = data.Images.SampleLength;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("label");
        for (int p = 1; p <= sample; p++) writer.Write($",pixel{p}");
        writer.Write('\n');
        var line = new StringBuilder();
        for (int i = 0; i < data.Count; i++)
        {
            line.Clear().Append(data.Labels[i]);
            foreach (float v in data.Images.Span.Slice(i * sample, sample)) line.Append(',').Append((int)v);
            writer.Write(line.Append('\n'));
        }
    }
}
