using ScratchNet.Kernels;

namespace ScratchNet.Operations;

/// <summary>
/// The shape error for a window geometry too large for arrays. It lives here, not in <see cref="ConvGeometry"/>,
/// because the error type is an operation's: kernels know sizes, operations know what to tell the user.
/// </summary>
public static class ConvGeometryChecks
{
    /// <summary>
    /// <paramref name="geometry"/>, after checking <see cref="ConvGeometry.FitsInArrays"/>; <paramref name="owner"/>
    /// names the layer or operation in the error.
    /// </summary>
    /// <exception cref="ShapeMismatchException">A size is too large.</exception>
    public static ConvGeometry CheckSizes(this ConvGeometry geometry, string owner) => geometry.FitsInArrays ? geometry
        : throw new ShapeMismatchException(
            $"{owner}: a {geometry.KernelHeight}×{geometry.KernelWidth} window (stride {geometry.StrideHeight}×{geometry.StrideWidth}, " +
            $"padding {geometry.PadTop},{geometry.PadBottom},{geometry.PadLeft},{geometry.PadRight}) " +
            $"over {geometry.Channels}×{geometry.Height}×{geometry.Width} gives sizes larger than an array can hold.");
}
