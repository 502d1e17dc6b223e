namespace ScratchNet.Data;

/// <summary>Some images of another source, by index (e.g. one side of a <see cref="StratifiedSplit"/>); nothing is copied.</summary>
public sealed class ImageSourceSubset : IImageSource
{
    private readonly IImageSource _source;
    private readonly int[] _indices, _labels;

    /// <summary>The images of <paramref name="source"/> at <paramref name="indices"/>, in that order.</summary>
    public ImageSourceSubset(IImageSource source, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        _source = source;
        _indices = indices.ToArray();
        _labels = new int[_indices.Length];
        for (int i = 0; i < _indices.Length; i++)
        {
            if ((uint)_indices[i] >= (uint)source.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {_indices[i]} is not an image of a source of {source.Count}.");
            _labels[i] = source.Labels[_indices[i]];
        }
    }

    /// <inheritdoc/>
    public int Count => _indices.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> ImageShape => _source.ImageShape;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    /// <inheritdoc/>
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc/>
    public string Describe(int index) => _source.Describe(_indices[index]);

    /// <inheritdoc/>
    public void Read(int index, Span<float> destination) => _source.Read(_indices[index], destination);
}
