namespace ScratchNet.Kernels;

/// <summary>
/// The sizes of one 2-D convolution or pooling window over one image of [channels, height, width]:
/// kernel, stride and zero padding per side, and the output size they give,
/// out = (in + padBefore + padAfter − kernel) / stride + 1 (integer division).
/// </summary>
public readonly record struct ConvGeometry(
    int Channels, int Height, int Width,
    int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    /// <summary>Output rows.</summary>
    public int OutputHeight => (Height + PadTop + PadBottom - KernelHeight) / StrideHeight + 1;

    /// <summary>Output columns.</summary>
    public int OutputWidth => (Width + PadLeft + PadRight - KernelWidth) / StrideWidth + 1;

    /// <summary>Output positions per channel.</summary>
    public int OutputPlane => OutputHeight * OutputWidth;

    /// <summary>Values in one receptive field: channels · kernel height · kernel width.</summary>
    public int PatchLength => Channels * KernelHeight * KernelWidth;

    /// <summary>Values in one input image.</summary>
    public int ImageLength => Channels * Height * Width;

    /// <summary>
    /// Whether every size derived from this geometry (padded input, output, image, and the im2col matrix of patch
    /// length × output positions) fits an array. The properties above compute in int, so a huge padding or kernel
    /// would otherwise wrap. Operations turn a false into a shape error naming themselves (<c>CheckSizes</c>).
    /// </summary>
    public bool FitsInArrays
    {
        get
        {
            try
            {
                checked
                {
                    long paddedHeight = (long)Height + PadTop + PadBottom, paddedWidth = (long)Width + PadLeft + PadRight;
                    long outputs = Math.Max(0, (paddedHeight - KernelHeight) / StrideHeight + 1) * Math.Max(0, (paddedWidth - KernelWidth) / StrideWidth + 1);
                    long patch = (long)Channels * KernelHeight * KernelWidth;
                    return paddedHeight <= int.MaxValue && paddedWidth <= int.MaxValue
                        && (long)Channels * Height * Width <= Array.MaxLength && patch * outputs <= Array.MaxLength;
                }
            }
            catch (OverflowException)
            {
                return false; // beyond long: certainly too large
            }
        }
    }
}
