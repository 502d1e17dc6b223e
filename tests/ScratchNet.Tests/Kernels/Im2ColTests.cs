using ScratchNet.Kernels;

namespace ScratchNet.Tests.Kernels;

/// <summary>im2col (Expand) and col2im (Fold) against a naive gather and scatter on random geometries.</summary>
public class Im2ColTests
{
    public static IEnumerable<object[]> Geometries()
    {
        var random = new Random(2024);
        var fixedCases = new[]
        {
            new ConvGeometry(1, 5, 7, 3, 3, 1, 1, 1, 1, 1, 1),
            new ConvGeometry(2, 6, 5, 2, 2, 1, 1, 0, 0, 1, 1),
            new ConvGeometry(3, 7, 8, 3, 2, 2, 2, 1, 0, 2, 1),
            new ConvGeometry(2, 5, 6, 3, 3, 2, 3, 0, 2, 1, 0),
            new ConvGeometry(1, 4, 4, 1, 1, 3, 2, 0, 0, 0, 0),
            new ConvGeometry(1, 3, 3, 4, 4, 1, 1, 2, 2, 2, 2), // kernel larger than the image
            // Stride 1 with output lines as wide as the input's: the shifted-plane path.
            new ConvGeometry(2, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1),
            new ConvGeometry(3, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1),
            new ConvGeometry(2, 7, 9, 5, 5, 1, 1, 2, 2, 2, 2),
            new ConvGeometry(2, 5, 6, 2, 2, 1, 1, 0, 0, 1, 1),  // even kernel, padding after
            new ConvGeometry(1, 4, 6, 3, 3, 1, 1, 0, 1, 2, 1),  // different top and bottom padding
            new ConvGeometry(1, 3, 3, 7, 7, 1, 1, 3, 3, 3, 3),  // shifts as wide as the image fall back
        };
        foreach (ConvGeometry g in fixedCases) yield return [g.ToString(), g];
        int produced = 0;
        while (produced < 24)
        {
            var g = new ConvGeometry(
                random.Next(1, 4), random.Next(1, 9), random.Next(1, 9),
                random.Next(1, 5), random.Next(1, 5), random.Next(1, 4), random.Next(1, 4),
                random.Next(0, 3), random.Next(0, 3), random.Next(0, 3), random.Next(0, 3));
            if (g.Height + g.PadTop + g.PadBottom < g.KernelHeight || g.Width + g.PadLeft + g.PadRight < g.KernelWidth) continue;
            produced++;
            yield return [g.ToString(), g];
        }
    }

    // columns[(c·KH + u)·KW + v, oy·OW + ox] = x[c, oy·sh + u − pt, ox·sw + v − pl], or 0 outside.
    private static float[] NaiveExpand(float[] image, ConvGeometry g)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth;
        var columns = new float[g.PatchLength * oh * ow];
        for (int c = 0; c < g.Channels; c++)
        for (int u = 0; u < g.KernelHeight; u++)
        for (int v = 0; v < g.KernelWidth; v++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int y = oy * g.StrideHeight + u - g.PadTop, x = ox * g.StrideWidth + v - g.PadLeft;
            int row = (c * g.KernelHeight + u) * g.KernelWidth + v;
            columns[row * oh * ow + oy * ow + ox] =
                y >= 0 && y < g.Height && x >= 0 && x < g.Width ? image[(c * g.Height + y) * g.Width + x] : 0f;
        }
        return columns;
    }

    // The transpose of NaiveExpand: every column entry goes back to the pixel it came from.
    private static double[] NaiveFold(float[] columns, ConvGeometry g, float[] initial)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth;
        double[] image = initial.Select(v => (double)v).ToArray();
        for (int c = 0; c < g.Channels; c++)
        for (int u = 0; u < g.KernelHeight; u++)
        for (int v = 0; v < g.KernelWidth; v++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int y = oy * g.StrideHeight + u - g.PadTop, x = ox * g.StrideWidth + v - g.PadLeft;
            if (y < 0 || y >= g.Height || x < 0 || x >= g.Width) continue;
            int row = (c * g.KernelHeight + u) * g.KernelWidth + v;
            image[(c * g.Height + y) * g.Width + x] += columns[row * oh * ow + oy * ow + ox];
        }
        return image;
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Expand_matches_a_naive_gather_and_overwrites_every_entry(string name, ConvGeometry g)
    {
        float[] image = TestData.Uniform(1, g.ImageLength).Span.ToArray();
        var columns = new float[g.PatchLength * g.OutputPlane];
        Array.Fill(columns, float.NaN); // stale scratch content must not survive
        Im2Col.Expand(image, g, columns);
        TestData.AssertClose(NaiveExpand(image, g), columns, 0, $"expand {name}"); // pure copies: exact
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Fold_matches_a_naive_scatter_and_adds_to_the_image(string name, ConvGeometry g)
    {
        float[] columns = TestData.Uniform(2, g.PatchLength * g.OutputPlane).Span.ToArray();
        float[] initial = TestData.Uniform(3, g.ImageLength).Span.ToArray();
        float[] image = (float[])initial.Clone();
        Im2Col.Fold(columns, g, image);
        TestData.AssertClose(NaiveFold(columns, g, initial), image, 1e-5, $"fold {name}");
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Fold_is_the_adjoint_of_Expand(string name, ConvGeometry g)
    {
        // ⟨Expand(x), c⟩ = ⟨x, Fold(c)⟩ for every x and c: what makes col2im the exact input gradient of im2col.
        float[] x = TestData.Uniform(4, g.ImageLength).Span.ToArray();
        float[] c = TestData.Uniform(5, g.PatchLength * g.OutputPlane).Span.ToArray();
        var expanded = new float[c.Length];
        Im2Col.Expand(x, g, expanded);
        var folded = new float[x.Length];
        Im2Col.Fold(c, g, folded);
        double left = 0, right = 0, scale = 0;
        for (int i = 0; i < c.Length; i++) { left += (double)expanded[i] * c[i]; scale += Math.Abs((double)expanded[i] * c[i]); }
        for (int i = 0; i < x.Length; i++) right += (double)x[i] * folded[i];
        Assert.True(Math.Abs(left - right) <= 1e-5 * (1 + scale), $"{name}: ⟨Expand(x), c⟩ = {left} but ⟨x, Fold(c)⟩ = {right}");
    }

    [Fact]
    public void Geometry_output_size_follows_the_formula()
    {
        var g = new ConvGeometry(3, 28, 28, 5, 5, 1, 1, 2, 2, 2, 2);
        Assert.Equal((28, 28, 75, 2352), (g.OutputHeight, g.OutputWidth, g.PatchLength, g.ImageLength));
        var strided = new ConvGeometry(1, 7, 9, 3, 2, 2, 3, 1, 0, 1, 0);
        Assert.Equal((4, 3), (strided.OutputHeight, strided.OutputWidth)); // (7 + 2 − 3)/2 + 1, (9 − 2)/3 + 1
    }
}
