using ScratchNet.Kernels;

namespace ScratchNet.Tests.Kernels;

/// <summary>The fast GEMM against the reference triple loop, for every transpose combination, strides, alpha and beta.</summary>
public class GemmTests
{
    public static IEnumerable<object[]> Cases() =>
        from ta in new[] { false, true }
        from tb in new[] { false, true }
        from size in new[] { (1, 1, 1), (3, 5, 4), (17, 9, 33), (8, 40, 25) }
        from ab in new[] { (1f, 0f), (0.5f, 1f), (-2f, 0.25f) }
        select new object[] { ta, tb, size.Item1, size.Item2, size.Item3, ab.Item1, ab.Item2 };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gemm_matches_the_reference(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta)
    {
        int lda = (transposeA ? m : k) + 2, ldb = (transposeB ? k : n) + 1, ldc = n + 3;
        float[] a = TestData.Uniform(1, (transposeA ? k : m) * lda).Span.ToArray();
        float[] b = TestData.Uniform(2, (transposeB ? n : k) * ldb).Span.ToArray();
        float[] c = TestData.Uniform(3, m * ldc).Span.ToArray();
        if (beta == 0) Array.Fill(c, float.NaN); // beta = 0 must ignore C entirely
        float[] expected = (float[])c.Clone(), actual = (float[])c.Clone(), threaded = (float[])c.Clone();

        GemmReference.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        Gemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc);
        Gemm.Multiply(new ComputeContext(2), transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, threaded, ldc);

        for (int i = 0; i < m; i++)
        {
            TestData.AssertClose(expected.AsSpan(i * ldc, n), actual.AsSpan(i * ldc, n), 1e-5, $"row {i}");
            // The padding between rows of C belongs to the caller and must not be touched.
            for (int j = n; j < ldc && i * ldc + j < c.Length; j++)
                Assert.Equal(BitConverter.SingleToInt32Bits(c[i * ldc + j]), BitConverter.SingleToInt32Bits(actual[i * ldc + j]));
        }
        TestData.AssertBitIdentical(actual, threaded, "1 vs 2 threads");
    }

    [Fact]
    public void Gemm_rejects_too_short_buffers()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 2, 2, 1f, new float[3], 2, new float[4], 2, 0f, new float[4], 2));
        Assert.Contains("A", exception.Message);
    }
}
