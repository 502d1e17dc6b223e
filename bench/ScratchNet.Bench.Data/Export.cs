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
    public static void Png(ImageDataset train, ImageDataset test, string directory, int copies)
    {
        for (int copy = 0; copy < copies; copy++)
        {
            WritePng(train, Path.Combine(directory, "train"), copy);
            if (copy == 0) WritePng(test, Path.Combine(directory, "test"), copy);
        }
    }

    public static string ClassFolder(ImageDataset data, int label) => $"{label}-{data.ClassNames[label].Replace('/', '_')}";

    public static string FileName(int index, int copy) => copy == 0 ? $"{index:D5}.png" : $"{index:D5}-{copy}.png";

    private static void WritePng(ImageDataset data, string directory, int copy)
    {
        for (int label = 0; label < data.ClassCount; label++) Directory.CreateDirectory(Path.Combine(directory, ClassFolder(data, label)));
        int height = data.SampleShape[1], width = data.SampleShape[2], sample = height * width;
        Parallel.For(0, data.Count, i =>
        {
            using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
            Span<byte> pixels = bitmap.GetPixelSpan();
            ReadOnlySpan<float> image = data.Images.Span.Slice(i * sample, sample);
            for (int p = 0; p < sample; p++) pixels[p] = (byte)image[p];
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
