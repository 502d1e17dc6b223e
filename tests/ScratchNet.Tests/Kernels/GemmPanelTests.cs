using ScratchNet.Kernels;

namespace ScratchNet.Tests.Kernels;

/// <summary>
/// <see cref="GemmPanel"/>: C[8, n] += Aᵀ·B from one packed panel of A, against the reference GEMM and, bit for bit,
/// against the general GEMM of the same transposed operand.
/// </summary>
public class GemmPanelTests
{
    [Theory]
    [InlineData(1, 32)]     // whole AVX-512 tiles: the kernel reads the panel in place
    [InlineData(98, 64)]    // a band of the 28×28 weight gradient
    [InlineData(256, 32)]   // the kernel's deepest k block
    [InlineData(257, 32)]   // deeper: the general GEMM
    [InlineData(50, 24)]    // not whole tiles: the general GEMM
    [InlineData(7, 8)]
    public unsafe void Adds_the_panels_product_to_C(int k, int n)
    {
        int ldb = n + 3, ldc = n + 5;
        float[] panel = TestData.Uniform(111, k, GemmPanel.Rows).Span.ToArray();
        float[] b = TestData.Uniform(112, k * ldb).Span.ToArray();
        float[] c = TestData.Uniform(113, GemmPanel.Rows * ldc).Span.ToArray();
        float[] expected = (float[])c.Clone(), general = (float[])c.Clone();
        GemmReference.Multiply(true, false, GemmPanel.Rows, n, k, 1f, panel, GemmPanel.Rows, b, ldb, 1f, expected, ldc);
        Gemm.Multiply(true, false, GemmPanel.Rows, n, k, 1f, panel, GemmPanel.Rows, b, ldb, 1f, general, ldc);
        fixed (float* pa = panel, pb = b, pc = c)
            GemmPanel.Accumulate(k, pa, pb, n, ldb, pc, ldc);
        TestData.AssertClose(expected, c, 1e-5, $"panel product k={k} n={n}");
        TestData.AssertBitIdentical(general, c, "against the general GEMM");
        // The padding between C's rows is left alone.
        for (int i = 0; i < GemmPanel.Rows; i++)
            for (int j = n; j < ldc; j++)
                Assert.Equal(expected[i * ldc + j], c[i * ldc + j]);
    }
}
