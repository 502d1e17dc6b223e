using System.Runtime.ExceptionServices;

namespace ScratchNet.Data;

/// <summary>Decodes a whole <see cref="IImageSource"/> into an in-memory <see cref="ImageDataset"/>, on several threads.</summary>
public static class ImageSourceLoader
{
    /// <summary>
    /// Reads every image of <paramref name="source"/> into an NCHW tensor of raw 0–255 values. Each image is written to its
    /// own place, so the result is the same bits for any number of threads.
    /// </summary>
    /// <param name="source">The images.</param>
    /// <param name="threads">How many images are decoded at once; 0 for one per core.</param>
    /// <param name="skipped">
    /// When given, images that cannot be read are left out and described here ("file: why"), in index order; when null,
    /// the first of them (lowest index) stops the load with its error.
    /// </param>
    /// <exception cref="DataFormatException">An image cannot be read (corrupt, unreadable, of another shape), or all were skipped.</exception>
    public static ImageDataset ToDataset(this IImageSource source, int threads = 0, ICollection<string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        int count = source.Count, sample = source.ImageShape[0] * source.ImageShape[1] * source.ImageShape[2];
        var values = new float[(long)count * sample];
        var failures = new Exception?[count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads == 0 ? Environment.ProcessorCount : threads };
        try
        {
            Parallel.For(0, count, options, i =>
            {
                try
                {
                    source.Read(i, values.AsSpan(i * sample, sample));
                }
                catch (Exception e) when (e is DataFormatException or DataNotFoundException)
                {
                    failures[i] = e;
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    failures[i] = ImageDecoder.Unreadable(source.Describe(i), e);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        int[] kept = Enumerable.Range(0, count).Where(i => failures[i] is null).ToArray();
        if (kept.Length < count && skipped is null) throw failures.First(f => f is not null)!;
        for (int i = 0; i < count; i++)
            if (failures[i] is { } failure) skipped!.Add($"{source.Describe(i)}: {failure.Message}");
        if (kept.Length == 0)
            throw new DataFormatException(source.Describe(0), $"none of the {count} images could be read.");
        if (kept.Length < count)
        {
            // Close the gaps left by skipped images, in order.
            for (int k = 0; k < kept.Length; k++)
                if (kept[k] != k) values.AsSpan(kept[k] * sample, sample).CopyTo(values.AsSpan(k * sample, sample));
            Array.Resize(ref values, kept.Length * sample);
        }
        int[] labels = kept.Select(i => source.Labels[i]).ToArray();
        var images = new Tensor(values, kept.Length, source.ImageShape[0], source.ImageShape[1], source.ImageShape[2]);
        return new ImageDataset(images, labels, source.ClassNames);
    }
}
