namespace ScratchNet.Kernels;

/// <summary>
/// A register-blocked GEMM microkernel: computes an Mr×Nr tile of C from a packed A micro-panel
/// and a B micro-panel, and the cache-block sizes that suit it.
/// </summary>
/// <remarks>
/// Layouts. A micro-panel: for each p in [0, kc), Mr consecutive values op(A)[row0 + r, p] (rows
/// past <c>rows</c> are never read). B micro-panel: for each p, Nr consecutive values
/// op(B)[p, col0 + j], successive p being <c>bStride</c> floats apart (Nr when packed, ldb when B
/// is read in place).
/// Every element is summed as acc = fma(a[p], b[p], acc) for p = 0, 1, ..., kc-1 starting from 0,
/// then stored by <see cref="GemmStore"/>'s rule, so results do not depend on which kernel variant
/// (full tile or edge tile) or which thread computes an element.
/// </remarks>
internal unsafe interface IGemmKernel
{
    /// <summary>Rows of C per microkernel call.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of C per microkernel call.</summary>
    static abstract int Nr { get; }

    /// <summary>Depth of one k block (packed panels hold this many k steps).</summary>
    static abstract int Kc { get; }

    /// <summary>Rows of A packed at once (a multiple of Mr); the packed A block should sit in L2.</summary>
    static abstract int Mc { get; }

    /// <summary>Columns of B packed at once (a multiple of Nr).</summary>
    static abstract int Nc { get; }

    /// <summary>Whether the kernel rounds a·b + c once (FMA) or twice; the scalar edge store must match.</summary>
    static abstract bool Fused { get; }

    /// <summary>
    /// Computes the first <paramref name="rows"/> (1..Mr) rows by Nr columns of C from kc steps,
    /// storing with <see cref="GemmStore"/>'s rule.
    /// </summary>
    static abstract void Tile(int rows, int kc, float* a, float* b, nint bStride, float* c, nint ldc, in GemmStore store);
}

/// <summary>
/// How a finished accumulator is combined with C: c = acc·alpha when <see cref="Overwrite"/>
/// (C is never read, so NaN in C cannot leak), otherwise c = acc·alpha + beta·c.
/// </summary>
internal readonly unsafe struct GemmStore(float alpha, float beta, bool overwrite)
{
    public readonly float Alpha = alpha;
    public readonly float Beta = beta;
    public readonly bool Overwrite = overwrite;

    /// <summary>The store for one k block: the first applies the caller's beta, later ones add to C.</summary>
    public static GemmStore ForBlock(float alpha, float beta, bool firstBlock) =>
        firstBlock ? new GemmStore(alpha, beta, beta == 0) : new GemmStore(alpha, 1, false);

    /// <summary>The scalar form of the rule, bit-identical to the vector stores of a kernel.</summary>
    public void Apply(float acc, float* c, bool fused) =>
        *c = Overwrite ? acc * Alpha
            : fused ? MathF.FusedMultiplyAdd(acc, Alpha, Beta * *c)
            : acc * Alpha + Beta * *c;
}

/// <summary>A compile-time row count, so one generic kernel body specialises for every edge height.</summary>
internal interface IRowCount
{
    static abstract int Value { get; }
}

internal struct Rows1 : IRowCount { public static int Value => 1; }
internal struct Rows2 : IRowCount { public static int Value => 2; }
internal struct Rows3 : IRowCount { public static int Value => 3; }
internal struct Rows4 : IRowCount { public static int Value => 4; }
internal struct Rows5 : IRowCount { public static int Value => 5; }
internal struct Rows6 : IRowCount { public static int Value => 6; }
internal struct Rows7 : IRowCount { public static int Value => 7; }
internal struct Rows8 : IRowCount { public static int Value => 8; }
