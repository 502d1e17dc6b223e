namespace ScratchNet.Data;

/// <summary>A pass over an <see cref="ImageDataset"/>: each batch is copied out of memory into two reused tensors.</summary>
internal sealed class InMemoryBatchPass(ImageDataset data, int[] order, int batchSize, int firstBatch) : IBatchPass
{
    private Tensor? _images, _targets;
    private readonly int[] _shape = [0, .. data.SampleShape];
    private int _start = firstBatch * batchSize;

    public (Tensor Images, Tensor Targets) Next()
    {
        if (_start >= order.Length) throw new InvalidOperationException("The pass has no batch left.");
        ReadOnlySpan<int> indices = order.AsSpan(_start, Math.Min(batchSize, order.Length - _start));
        _start += indices.Length;
        _shape[0] = indices.Length;
        Tensor images = Tensor.Reuse(ref _images, _shape);
        Tensor targets = Tensor.Reuse(ref _targets, indices.Length, data.ClassCount);
        data.CopyBatch(indices, images, targets);
        return (images, targets);
    }

    public void Dispose() { }
}
