namespace ScratchNet.Bench;

/// <summary>One GEMM problem: C[m×n] = op(A)·op(B) with k-long dot products.</summary>
public sealed record GemmShape(string Name, bool TransposeA, bool TransposeB, int M, int N, int K)
{
    /// <summary>Floating-point operations of one multiply (a multiply and an add per term).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>The shapes the framework runs into, plus squares for comparison with peak.</summary>
    public static IReadOnlyList<GemmShape> All { get; } =
    [
        new("square-256", false, false, 256, 256, 256),
        new("square-512", false, false, 512, 512, 512),
        new("square-1024", false, false, 1024, 1024, 1024),
        new("conv-fwd", false, false, 16, 784, 25),      // W·cols
        new("conv-wgrad", false, true, 16, 25, 784),     // dY·colsᵀ
        new("conv-igrad", true, false, 25, 784, 16),     // Wᵀ·dY
        new("dense-fwd", false, true, 60, 10, 12544),    // X·Wᵀ
        new("dense-wgrad", true, false, 10, 12544, 60),  // dYᵀ·X
        new("dense-igrad", false, false, 60, 12544, 10), // dY·W
        // The 3×3 convolutions of fashion-cnn and fashion-resnet, forward, as the conv runs them (small planes batched):
        new("res28-fwd", false, false, 32, 784, 288),    // 32→32 at 28×28, one image
        new("res14-fwd", false, false, 64, 588, 576),    // 64→64 at 14×14, three images side by side
        new("res7-fwd", false, false, 128, 539, 1152),   // 128→128 at 7×7, eleven images side by side
        new("wino28", false, false, 32, 196, 32),        // one of Winograd's 16 products, 32→32 at 28×28
        new("wino7", false, false, 128, 192, 128),       // the same, 128→128 at 7×7, twelve images side by side
        new("wino28x3", false, false, 32, 588, 32),      // wino28 with three images side by side
        new("wino14", false, false, 64, 196, 64),        // 64→64 at 14×14, four images side by side
        new("wino14x3", false, false, 64, 588, 64),      // the same, twelve images
    ];

    public static GemmShape Find(string name) => All.First(s => s.Name == name);

    /// <summary>Sizes and transposes, e.g. "16x25x784 NT" (m×n×k, then op(A) op(B)).</summary>
    public string Dimensions => $"{M}x{N}x{K} {(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')}";

    public override string ToString() => Name;
}

/// <summary>Random operands for a shape, stored densely (leading dimension = row length).</summary>
public sealed class GemmOperands
{
    public GemmOperands(GemmShape shape, int seed = 1)
    {
        Shape = shape;
        var random = new Random(seed);
        A = Fill(shape.M * shape.K, random);
        B = Fill(shape.K * shape.N, random);
        C = new float[shape.M * shape.N];
        Lda = shape.TransposeA ? shape.M : shape.K;
        Ldb = shape.TransposeB ? shape.K : shape.N;
    }

    public GemmShape Shape { get; }
    public float[] A { get; }
    public float[] B { get; }
    public float[] C { get; }
    public int Lda { get; }
    public int Ldb { get; }

    public void Run(ScratchNet.Kernels.ComputeContext? context)
    {
        var s = Shape;
        // C[M,N] = op(A)[M,K]·op(B)[K,N]   (op: transposed when the shape says so; single- or multi-threaded)
        if (context is null)
            ScratchNet.Kernels.Gemm.Multiply(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, A, Lda, B, Ldb, 0f, C, s.N);
        else
            ScratchNet.Kernels.Gemm.Multiply(context, s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, A, Lda, B, Ldb, 0f, C, s.N);
    }

    private static float[] Fill(int count, Random random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
