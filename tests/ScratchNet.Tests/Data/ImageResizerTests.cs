using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary><see cref="ImageResizer"/>: area averaging when shrinking, bilinear when enlarging, planes independent.</summary>
public sealed class ImageResizerTests
{
    [Fact]
    public void Shrinking_AveragesAreasAndEqualSizesAreUnchanged()
    {
        float[] image = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]; // 3×4
        Assert.Equal(image, ImageResizer.Resize(image, 3, 4, 3, 4));
        Assert.Equal([(1 + 2 + 5 + 6) / 4f, (3 + 4 + 7 + 8) / 4f], ImageResizer.Resize(image.AsSpan(0, 8), 2, 4, 1, 2));
        // 3 columns to 2: each output covers 1.5 source columns.
        float[] row = ImageResizer.Resize([0, 3, 6], 1, 3, 1, 2);
        Assert.Equal((0 + 1.5f) / 1.5f, row[0], 5);
        Assert.Equal((1.5f + 6) / 1.5f, row[1], 5);
    }

    [Fact]
    public void Enlarging_InterpolatesBetweenPixelCentresAndClampsAtTheEdges()
    {
        Assert.Equal([5f, 5f, 5f, 5f], ImageResizer.Resize([5f], 1, 1, 2, 2));
        // 2 → 4: output centres at source −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        float[] row = ImageResizer.Resize([0f, 8f], 1, 2, 1, 4);
        Assert.Equal([0f, 2f, 6f, 8f], row);
    }

    [Fact]
    public void MixedAxes_ShrinkOneAndEnlargeTheOther()
    {
        // 2×2 to 1×4: rows averaged, columns interpolated.
        float[] result = ImageResizer.Resize([0f, 8f, 4f, 12f], 2, 2, 1, 4);
        Assert.Equal([2f, 4f, 8f, 10f], result);
    }

    [Fact]
    public void Channels_AreResizedPlaneByPlane()
    {
        float[] chw = [1, 1, 1, 1, 10, 20, 30, 40]; // 2 channels of 2×2
        var result = new float[2];
        ImageResizer.Resize(chw, 2, 2, 2, result, 1, 1);
        Assert.Equal([1f, 25f], result);
        Assert.Throws<ArgumentException>(() => ImageResizer.Resize(chw, 2, 2, 2, new float[3], 1, 1));
    }
}
