using System.Diagnostics;
using ScratchNet.Data;

namespace ScratchNet.Bench.Data;

/// <summary>
/// Reads an export back through <see cref="DataSources.Open"/> and compares every image and label with the IDX original:
/// PNG class folders (files named by their IDX index) byte for byte, CSV rows in IDX order bit for bit. Prints the
/// decoding rate (images per second, after the folder or file has been opened).
/// </summary>
internal static class Verify
{
    public static int Run(string path, ImageDataset train, ImageDataset test, int threads)
    {
        var clock = Stopwatch.StartNew();
        TrainTestSources data = DataSources.Open(path, options: new DataSourceOptions { Threads = threads });
        double open = clock.Elapsed.TotalSeconds;
        clock.Restart();
        ImageDataset decodedTrain = data.Train.ToDataset(threads), decodedTest = data.Test.ToDataset(threads);
        double decode = clock.Elapsed.TotalSeconds;
        int images = decodedTrain.Count + decodedTest.Count;
        Console.WriteLine($"{data.Description.LayoutName}: opened in {open:F2} s, {images:N0} images decoded in {decode:F2} s on {threads} threads: {images / decode:N0} images/s");
        int wrong = Compare(data.Train, decodedTrain, train) + Compare(data.Test, decodedTest, test);
        Console.WriteLine(wrong == 0 ? "every image and label equals its IDX original" : $"{wrong} images differ from their IDX original");
        return wrong == 0 ? 0 : 1;
    }

    // Image n of the export is IDX image n (CSV rows in order), or the one its file name gives (folders sort by class).
    private static int Compare(IImageSource source, ImageDataset decoded, ImageDataset original)
    {
        int sample = original.Images.SampleLength, wrong = 0;
        for (int n = 0; n < decoded.Count; n++)
        {
            string name = Path.GetFileNameWithoutExtension(source.Describe(n));
            int index = int.TryParse(name.Split('-')[0], out int i) && !source.Describe(n).Contains(", line ") ? i : n;
            bool same = original.Images.Span.Slice(index * sample, sample).SequenceEqual(decoded.Images.Span.Slice(n * sample, sample))
                        && original.Labels[index] == decoded.Labels[n];
            if (!same && wrong++ < 5) Console.WriteLine($"  differs: {source.Describe(n)} (IDX image {index})");
        }
        return wrong;
    }
}
