namespace ScratchNet.Operations;

/// <summary>How <see cref="Conv2DOperation"/> computed a forward pass.</summary>
internal enum ConvolutionAlgorithm
{
    /// <summary>im2col and a matrix product (every geometry).</summary>
    Im2Col,

    /// <summary>Winograd's F(2×2, 3×3) (<see cref="Kernels.Winograd3x3"/>).</summary>
    Winograd,

    /// <summary>Directly, for few input channels (<see cref="Kernels.DirectConvolution"/>).</summary>
    Direct,
}
