using ScratchNet.Kernels;

namespace ScratchNet.Tests.Kernels;

public class GemmTests
{
    // Every microkernel is tested on every machine: without the hardware, Vector512/Vector256 run in
    // software, slowly but with the same results. (Names, because the enum is internal.)
    public static TheoryData<string> Kernels => ["Auto", "Avx512", "Avx2", "Scalar"];

    public static TheoryData<bool, bool> TransposeCombinations => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    /// <summary>The shapes the framework runs: conv im2col per image and the dense layer.</summary>
    public static TheoryData<bool, bool, int, int, int> FrameworkShapes => new()
    {
        { false, false, 16, 784, 25 },   // conv forward: W·cols
        { false, true, 16, 25, 784 },    // conv weight gradient: dY·colsᵀ
        { true, false, 25, 784, 16 },    // conv input gradient: Wᵀ·dY
        { false, true, 60, 10, 12544 },  // dense forward: X·Wᵀ
        { true, false, 10, 12544, 60 },  // dense weight gradient: dYᵀ·X
        { false, false, 60, 12544, 10 }, // dense input gradient: dY·W
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void RandomShapes_AllTransposes_MatchReference(string kernel)
    {
        var kind = Enum.Parse<GemmKernelKind>(kernel);
        int[] sizes = [0, 1, 2, 3, 7, 17, 33, 65, 130];
        float[] alphas = [1f, -0.75f, 2.5f];
        float[] betas = [0f, 1f, 0.5f];
        var random = new Random(1234 + (int)kind);
        for (int trial = 0; trial < 60; trial++)
        {
            int m = Pick(random, sizes), n = Pick(random, sizes), k = Pick(random, sizes);
            bool ta = (trial & 1) != 0, tb = (trial & 2) != 0;
            float alpha = alphas[trial % 3], beta = betas[(trial / 3) % 3];
            var p = new Problem(random, ta, tb, m, n, k, alpha, beta, padding: random.Next(0, 4));
            p.CheckAgainstReference(kind, context: null);
        }
    }

    [Theory]
    [MemberData(nameof(TransposeCombinations))]
    public void SizesAcrossBlockBoundaries_MatchReference(bool ta, bool tb)
    {
        // Larger than one k block (256), one row block (144) and more than one column block
        // (3072) respectively, and odd, so every edge path runs.
        var random = new Random(99);
        new Problem(random, ta, tb, 9, 37, 600, 1f, 0.5f, padding: 3).CheckAgainstReference(GemmKernelKind.Auto, null);
        new Problem(random, ta, tb, 301, 45, 19, -2f, 0f, padding: 1).CheckAgainstReference(GemmKernelKind.Auto, null);
        new Problem(random, ta, tb, 5, 3100, 3, 1f, 1f, padding: 2).CheckAgainstReference(GemmKernelKind.Auto, null);
        new Problem(random, ta, tb, 70, 70, 520, 0.5f, 0f, padding: 0).CheckAgainstReference(GemmKernelKind.Auto, new ComputeContext(2));
    }

    [Theory]
    [MemberData(nameof(FrameworkShapes))]
    public void FrameworkShapes_MatchReference(bool ta, bool tb, int m, int n, int k)
    {
        var random = new Random(m * 31 + n * 7 + k);
        new Problem(random, ta, tb, m, n, k, 1f, 0f, padding: 0).CheckAgainstReference(GemmKernelKind.Auto, null);
        new Problem(random, ta, tb, m, n, k, 1f, 1f, padding: 0).CheckAgainstReference(GemmKernelKind.Auto, new ComputeContext(2));
    }

    [Theory]
    [MemberData(nameof(FrameworkShapes))]
    public void ThreadCount_DoesNotChangeResultBits(bool ta, bool tb, int m, int n, int k)
    {
        var random = new Random(7);
        var p = new Problem(random, ta, tb, m, n, k, 0.7f, 0.3f, padding: 1);
        float[] one = p.RunFast(GemmKernelKind.Auto, new ComputeContext(1));
        float[] serial = p.RunFast(GemmKernelKind.Auto, null);
        float[] two = p.RunFast(GemmKernelKind.Auto, new ComputeContext(2));
        float[] three = p.RunFast(GemmKernelKind.Auto, new ComputeContext(3));
        Assert.Equal(one, serial);
        Assert.Equal(one, two);
        Assert.Equal(one, three);
    }

    [Theory]
    [MemberData(nameof(TransposeCombinations))]
    public void ThreadCount_DoesNotChangeResultBits_OddShapes(bool ta, bool tb)
    {
        var random = new Random(11);
        foreach (var (m, n, k) in new[] { (130, 200, 70), (203, 33, 300), (17, 517, 129) })
        {
            var p = new Problem(random, ta, tb, m, n, k, 1f, 0f, padding: 2);
            float[] one = p.RunFast(GemmKernelKind.Auto, new ComputeContext(1));
            Assert.Equal(one, p.RunFast(GemmKernelKind.Auto, new ComputeContext(2)));
            Assert.Equal(one, p.RunFast(GemmKernelKind.Auto, new ComputeContext(3)));
        }
    }

    [Theory]
    [InlineData(false, false, 64, 96, 300)] // packed path, two k blocks
    [InlineData(false, true, 16, 25, 784)]  // dot-product path
    [InlineData(true, false, 25, 784, 16)]  // B read in place
    public void SingleThreaded_SteadyState_AllocatesNothing(bool ta, bool tb, int m, int n, int k)
    {
        var p = new Problem(new Random(3), ta, tb, m, n, k, 1f, 0f, padding: 0);
        float[] c = new float[p.C.Length];
        for (int i = 0; i < 3; i++) Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Run() => Gemm.Multiply(ta, tb, m, n, k, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc);
    }

    [Fact]
    public void BetaZero_NeverReadsC()
    {
        var random = new Random(5);
        var p = new Problem(random, false, false, 13, 45, 9, 1f, 0f, padding: 1);
        Array.Fill(p.C, float.NaN);
        float[] result = p.RunFast(GemmKernelKind.Auto, null);
        for (int i = 0; i < p.M; i++)
            for (int j = 0; j < p.N; j++)
                Assert.False(float.IsNaN(result[i * p.Ldc + j]));
        // The padding between rows is outside C and must be left alone.
        Assert.True(float.IsNaN(result[p.N]));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    public void ZeroDepth_ScalesC(float beta)
    {
        float[] c = [1, 2, float.NaN, 4];
        Gemm.Multiply(false, false, 2, 2, 0, 1f, [], 0, [], 2, beta, c, 2);
        if (beta == 0) Assert.Equal(new float[] { 0, 0, 0, 0 }, c);
        else Assert.Equal(new float[] { 0.5f, 1, float.NaN, 2 }, c);
    }

    [Fact]
    public void EmptyOutput_DoesNothing()
    {
        Gemm.Multiply(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
        Gemm.Multiply(new ComputeContext(2), true, true, 4, 0, 3, 1f, new float[12], 4, [], 3, 0f, [], 0);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];
        // 2×3 · 3×2 = 2×2 is valid with these lengths.
        Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a.AsSpan(0, 5), 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b.AsSpan(0, 5), 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c.AsSpan(0, 3), 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(true, false, 2, 2, 3, 1f, a, 1, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, true, 2, 2, 3, 1f, a, 3, b, 3, 0f, c, 3));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new ComputeContext(2), false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c.AsSpan(0, 3), 2));
        Assert.Throws<ArgumentNullException>(() => Gemm.Multiply(null!, false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
    }

    private static int Pick(Random random, int[] sizes) => random.Next(3) == 0 ? random.Next(1, 80) : sizes[random.Next(sizes.Length)];

    /// <summary>Random operands with row strides larger than the rows (by <c>padding</c>).</summary>
    private sealed class Problem
    {
        public Problem(Random random, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int padding)
        {
            (TransposeA, TransposeB, M, N, K, Alpha, Beta) = (ta, tb, m, n, k, alpha, beta);
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            Lda = aCols + padding;
            Ldb = bCols + padding;
            Ldc = n + padding;
            A = Fill(random, aRows * Lda);
            B = Fill(random, bRows * Ldb);
            C = Fill(random, m * Ldc);
            // With beta == 0 the old C must not matter, NaN included.
            if (beta == 0) Array.Fill(C, float.NaN);
        }

        public bool TransposeA { get; }
        public bool TransposeB { get; }
        public int M { get; }
        public int N { get; }
        public int K { get; }
        public float Alpha { get; }
        public float Beta { get; }
        public int Lda { get; }
        public int Ldb { get; }
        public int Ldc { get; }
        public float[] A { get; }
        public float[] B { get; }
        public float[] C { get; }

        public float[] RunFast(GemmKernelKind kind, ComputeContext? context)
        {
            float[] c = (float[])C.Clone();
            Gemm.Multiply(context, kind, TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
            return c;
        }

        /// <summary>
        /// Compares with the double-accumulating reference. The fast kernel sums k float products
        /// with float FMAs (rounding once per step, in k blocks), then scales by alpha and adds
        /// beta·C: a few roundings more. The standard bound for a float dot product computed step
        /// by step is |error| ≤ γ_k·Σ|a·b| with γ_k ≈ k·2⁻²⁴; adding the 3 store roundings and the
        /// reference's own final rounding gives |fast − ref| ≤ (k + 4)·2⁻²⁴·(|alpha|·Σ|a·b| + |beta·c|).
        /// That is a guaranteed bound, not a guess, so the test cannot be flaky, yet a real bug (a
        /// missed term or a wrong element) produces an error of the size of the terms themselves.
        /// </summary>
        public void CheckAgainstReference(GemmKernelKind kind, ComputeContext? context)
        {
            float[] actual = RunFast(kind, context);
            float[] expected = (float[])C.Clone();
            GemmReference.Multiply(TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, expected, Ldc);
            // The magnitude scale: the same product on absolute values (C's old values when read).
            float[] scale = Beta == 0 ? new float[C.Length] : C.Select(MathF.Abs).ToArray();
            GemmReference.Multiply(TransposeA, TransposeB, M, N, K, MathF.Abs(Alpha),
                A.Select(MathF.Abs).ToArray(), Lda, B.Select(MathF.Abs).ToArray(), Ldb, MathF.Abs(Beta), scale, Ldc);
            double unitRoundoff = Math.Pow(2, -24);
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    int at = i * Ldc + j;
                    double tolerance = (K + 4) * unitRoundoff * scale[at] + float.Epsilon;
                    double diff = Math.Abs((double)actual[at] - expected[at]);
                    Assert.True(diff <= tolerance,
                        $"{Describe(kind)}: C[{i},{j}] = {actual[at]}, reference {expected[at]}, |diff| {diff:G3} > {tolerance:G3}");
                }
                // Row padding lies outside C and must be untouched.
                for (int j = N; j < Ldc && i * Ldc + j < C.Length; j++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(C[i * Ldc + j]), BitConverter.SingleToInt32Bits(actual[i * Ldc + j]));
            }
        }

        private string Describe(GemmKernelKind kind) =>
            $"{kind} {(TransposeA ? "T" : "N")}{(TransposeB ? "T" : "N")} m={M} n={N} k={K} alpha={Alpha} beta={Beta} ld=({Lda},{Ldb},{Ldc})";

        private static float[] Fill(Random random, int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }
    }
}
