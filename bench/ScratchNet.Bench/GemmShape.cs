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
        new("conv-fwd 16x784x25", false, false, 16, 784, 25),
        new("conv-wgrad 16x25x784 (B^T)", false, true, 16, 25, 784),
        new("conv-igrad 25x784x16 (A^T)", true, false, 25, 784, 16),
        new("dense-fwd 60x10x12544 (B^T)", false, true, 60, 10, 12544),
        new("dense-wgrad 10x12544x60 (A^T)", true, false, 10, 12544, 60),
        new("dense-igrad 60x12544x10", false, false, 60, 12544, 10),
    ];

    public static GemmShape Find(string name) => All.First(s => s.Name == name);

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
