namespace ScratchNet.Data;

/// <summary>
/// Labelled images held in memory: <see cref="Images"/> is NCHW <c>[count, channels, height, width]</c>,
/// <see cref="Labels"/> holds one class index per image.
/// </summary>
public sealed class ImageDataset : IBatchSource
{
    /// <summary>Creates a data set; images and labels must agree in count and labels must be valid classes.</summary>
    /// <param name="images">The images, NCHW.</param>
    /// <param name="labels">The class index of each image.</param>
    /// <param name="classNames">The name of each class, by index.</param>
    /// <param name="standardization">The standardisation <paramref name="images"/> have been through, if known.</param>
    public ImageDataset(Tensor images, int[] labels, IReadOnlyList<string> classNames, Standardizer? standardization = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.Rank != 4)
            throw new ArgumentException($"Images must be NCHW [count, channels, height, width], got {images.ShapeText}.", nameof(images));
        if (images.Dim(0) != labels.Length)
            throw new ArgumentException($"There are {images.Dim(0)} images but {labels.Length} labels.", nameof(labels));
        if (classNames.Count == 0)
            throw new ArgumentException("A data set needs at least one class.", nameof(classNames));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of item {i} is not a class index in [0, {classNames.Count - 1}].", nameof(labels));
        if (standardization is not null && standardization.Channels != images.Dim(1))
            throw new ArgumentException($"The standardizer has {standardization.Channels} channel(s) but the images have {images.Dim(1)}.", nameof(standardization));
        Images = images;
        Labels = labels;
        ClassNames = classNames;
        Standardization = standardization;
    }

    /// <summary>The images, NCHW.</summary>
    public Tensor Images { get; }

    /// <summary>The class index of each image.</summary>
    public int[] Labels { get; }

    /// <summary>The name of each class, by index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// The standardisation the images have been through (set by <see cref="Standardizer.Apply"/> and kept by
    /// <see cref="Take"/>, <see cref="Split"/> and <see cref="Select"/>), or null when unknown.
    /// </summary>
    public Standardizer? Standardization { get; }

    IReadOnlyList<int> IBatchSource.Labels => Labels;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _sampleShape ??= Images.Shape[1..].ToArray();

    private int[]? _sampleShape;

    /// <inheritdoc/>
    public IBatchPass BeginPass(int[] order, int batchSize, int firstBatch = 0)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        return new InMemoryBatchPass(this, order, batchSize, firstBatch);
    }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The shape of one image, <c>[channels, height, width]</c>.</summary>
    public int[] ImageShape => Images.Shape[1..].ToArray();

    /// <summary>The first <paramref name="count"/> items (a copy), or all of them when there are fewer.</summary>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (count >= Count) return this;
        int[] shape = Images.Shape.ToArray();
        shape[0] = count;
        var images = new Tensor(Images.Span[..(count * Images.SampleLength)].ToArray(), shape);
        return new ImageDataset(images, Labels[..count], ClassNames, Standardization);
    }

    /// <summary>
    /// Splits off <paramref name="validationCount"/> items, chosen by a seeded shuffle, as a validation set;
    /// the rest (in their original order) stay for training. Both are copies.
    /// </summary>
    public (ImageDataset Train, ImageDataset Validation) Split(int validationCount, int seed)
    {
        var (train, validation) = SplitIndices(Count, validationCount, seed);
        return (Select(train), Select(validation));
    }

    /// <summary>
    /// The indices <see cref="Split"/> keeps for training and holds out for validation from <paramref name="count"/> items,
    /// each in ascending order; any set of <paramref name="count"/> items (in memory or streamed) splits the same way.
    /// </summary>
    public static (int[] Train, int[] Validation) SplitIndices(int count, int validationCount, int seed)
    {
        if (validationCount <= 0 || validationCount >= count)
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount,
                $"The validation set must hold between 1 and {count - 1} of the {count} items, got {validationCount}.");
        int[] order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        int[] validation = order[..validationCount], train = order[validationCount..];
        Array.Sort(validation);
        Array.Sort(train);
        return (train, validation);
    }

    /// <summary>The items at <paramref name="indices"/>, in that order (a copy).</summary>
    public ImageDataset Select(ReadOnlySpan<int> indices)
    {
        int[] shape = Images.Shape.ToArray();
        shape[0] = indices.Length;
        var images = new Tensor(shape);
        var oneHot = new Tensor(indices.Length, ClassCount);
        CopyBatch(indices, images, oneHot);
        int[] labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++) labels[i] = Labels[indices[i]];
        return new ImageDataset(images, labels, ClassNames, Standardization);
    }

    /// <summary>Copies the images at <paramref name="indices"/> into <paramref name="images"/> and their one-hot labels into <paramref name="oneHot"/>.</summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Tensor images, Tensor oneHot)
    {
        int sample = Images.SampleLength;
        Span<float> source = Images.Span, destination = images.Span, targets = oneHot.Span;
        targets.Clear();
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            source.Slice(i * sample, sample).CopyTo(destination.Slice(b * sample, sample));
            targets[b * ClassCount + Labels[i]] = 1f;
        }
    }
}
