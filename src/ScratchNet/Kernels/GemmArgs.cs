namespace ScratchNet.Kernels;

/// <summary>The operands of one GEMM call as raw pointers (the spans are pinned by the caller).</summary>
internal readonly unsafe struct GemmArgs(
    bool transposeA, bool transposeB, int m, int n, int k, float alpha,
    float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
{
    public readonly bool TransposeA = transposeA;
    public readonly bool TransposeB = transposeB;
    public readonly int M = m, N = n, K = k;
    public readonly float Alpha = alpha, Beta = beta;
    public readonly float* A = a, B = b, C = c;
    public readonly nint Lda = lda, Ldb = ldb, Ldc = ldc;
}
