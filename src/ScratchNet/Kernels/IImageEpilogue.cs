namespace ScratchNet.Kernels;

/// <summary>
/// Work applied to one image's output [C, plane] right after a kernel has written it, while it is still in cache
/// (a batch normalisation fused into the convolution before it, at inference).
/// </summary>
internal interface IImageEpilogue
{
    /// <summary>Transforms <paramref name="image"/> [C, plane] in place.</summary>
    void Apply(Span<float> image);
}
