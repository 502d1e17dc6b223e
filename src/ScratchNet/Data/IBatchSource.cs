namespace ScratchNet.Data;

/// <summary>
/// Labelled images that training and evaluation read in batches, in an order chosen for each pass: an in-memory
/// <see cref="ImageDataset"/>, or a <see cref="StreamingImageSet"/> that reads its images while the network trains.
/// </summary>
/// <remarks>
/// A pass must give the same batches, bit for bit, for the same order, whatever the source: training is then the same
/// run whether the images were held in memory or streamed.
/// </remarks>
public interface IBatchSource
{
    /// <summary>The number of images.</summary>
    int Count { get; }

    /// <summary>The shape of one image, <c>[channels, height, width]</c>.</summary>
    IReadOnlyList<int> SampleShape { get; }

    /// <summary>The name of each class, by index.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The class index of each image.</summary>
    IReadOnlyList<int> Labels { get; }

    /// <summary>
    /// The standardisation the batches have been through, or null when it is unknown (raw images, or images standardised
    /// by hand). <see cref="Training.Trainer.Fit"/> records it on the network, so a model saved after training knows how it was fed.
    /// </summary>
    Standardizer? Standardization => null; // a default, so sources written outside the library keep compiling

    /// <summary>
    /// Starts a pass over the images at <paramref name="order"/> in batches of <paramref name="batchSize"/>, beginning with
    /// batch <paramref name="firstBatch"/> (a resumed epoch skips the batches it had done). The caller must not change
    /// <paramref name="order"/> until the pass is disposed.
    /// </summary>
    IBatchPass BeginPass(int[] order, int batchSize, int firstBatch = 0);
}

/// <summary>One pass over an <see cref="IBatchSource"/>: its batches, one after the other.</summary>
public interface IBatchPass : IDisposable
{
    /// <summary>
    /// The next batch: images <c>[n, C, H, W]</c> and one-hot targets <c>[n, classes]</c>. The tensors stay valid until the
    /// next call and may be reused by it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pass has no batch left.</exception>
    /// <exception cref="DataFormatException">An image of this batch could not be read.</exception>
    (Tensor Images, Tensor Targets) Next();
}
