using ScratchNet.Data;

namespace ScratchNet.Training;

/// <summary>Reusable image and one-hot target tensors for batches drawn from one data set.</summary>
internal sealed class BatchBuffer(ImageDataset data)
{
    private Tensor? _images, _targets;

    public (Tensor Images, Tensor Targets) Fill(ReadOnlySpan<int> indices)
    {
        int[] shape = data.Images.Shape.ToArray();
        shape[0] = indices.Length;
        Tensor images = Tensor.Reuse(ref _images, shape);
        Tensor targets = Tensor.Reuse(ref _targets, indices.Length, data.ClassCount);
        data.CopyBatch(indices, images, targets);
        return (images, targets);
    }
}
