namespace ScratchNet.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous micro-panel layouts the microkernels read
/// (see <see cref="IGemmKernel"/>). Transposes are resolved here, so one kernel serves all four
/// transpose combinations.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[row0 .. row0+rows, p0 .. p0+kc) into panels of <paramref name="mr"/> rows: panel q
    /// starts at dst + q·mr·kc and holds, for each p, mr values (rows past the edge are left unset;
    /// the kernels never read them).
    /// </summary>
    public static void PackA(in GemmArgs g, int row0, int rows, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < rows; ir += mr)
        {
            int r = Math.Min(mr, rows - ir);
            float* panel = dst + (nint)ir * kc;
            if (g.TransposeA)
            {
                // A is stored k×m: the mr values for one p are adjacent.
                float* src = g.A + (nint)p0 * g.Lda + row0 + ir;
                for (int p = 0; p < kc; p++, src += g.Lda)
                    for (int i = 0; i < r; i++)
                        panel[p * mr + i] = src[i];
            }
            else
            {
                // A is stored m×k: walk each row contiguously and scatter into the interleaved panel.
                for (int i = 0; i < r; i++)
                {
                    float* src = g.A + (nint)(row0 + ir + i) * g.Lda + p0;
                    float* d = panel + i;
                    for (int p = 0; p < kc; p++)
                        d[p * mr] = src[p];
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, col0 .. col0+cols) into panels of <paramref name="nr"/> columns: panel
    /// q starts at dst + q·nr·kc and holds, for each p, nr values; columns past the edge are zero so
    /// the kernel can always compute full-width tiles.
    /// </summary>
    public static void PackB(in GemmArgs g, int p0, int kc, int col0, int cols, int nr, float* dst)
    {
        for (int jr = 0; jr < cols; jr += nr)
        {
            int w = Math.Min(nr, cols - jr);
            float* panel = dst + (nint)jr * kc;
            if (!g.TransposeB)
            {
                // B is stored k×n: each p contributes a contiguous run of w values.
                float* src = g.B + (nint)p0 * g.Ldb + col0 + jr;
                for (int p = 0; p < kc; p++, src += g.Ldb)
                {
                    float* d = panel + p * nr;
                    Buffer.MemoryCopy(src, d, (long)w * sizeof(float), (long)w * sizeof(float));
                    for (int j = w; j < nr; j++) d[j] = 0;
                }
            }
            else
            {
                // B is stored n×k: walk each stored row contiguously and scatter into the panel.
                for (int j = 0; j < w; j++)
                {
                    float* src = g.B + (nint)(col0 + jr + j) * g.Ldb + p0;
                    float* d = panel + j;
                    for (int p = 0; p < kc; p++)
                        d[p * nr] = src[p];
                }
                if (w < nr)
                    for (int p = 0; p < kc; p++)
                        for (int j = w; j < nr; j++)
                            panel[p * nr + j] = 0;
            }
        }
    }
}
