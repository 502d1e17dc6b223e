using System.Runtime.CompilerServices;

namespace ScratchNet.Kernels;

/// <summary>
/// The cache-blocked GEMM driver (the classic five loops around a microkernel): for each Nc-wide
/// column block and each Kc-deep k block, B is packed once (its micro-panels stay in L1 while they
/// are reused), then for each Mc-tall row block A is packed (kept in L2) and every Mr×Nr tile is
/// computed by the microkernel.
/// </summary>
/// <remarks>
/// The k blocks always start at 0, Kc, 2·Kc, ... whatever part of C is being computed, so a C
/// element gets the same sequence of operations from any thread; this is what makes the threaded
/// GEMM bit-identical to the single-threaded one.
/// </remarks>
internal static unsafe class GemmBlocked
{
    /// <summary>Computes rows [row0, row1) × columns [col0, col1) of C; requires k &gt; 0.</summary>
    public static void Run<TK>(in GemmArgs g, int row0, int row1, int col0, int col1)
        where TK : IGemmKernel
    {
        int mr = TK.Mr, nr = TK.Nr;
        int rows = row1 - row0, cols = col1 - col0;
        if (rows <= 0 || cols <= 0) return;

        int kcMax = Math.Min(TK.Kc, g.K);
        int mcMax = Math.Min(TK.Mc, RoundUp(rows, mr));
        int ncMax = Math.Min(TK.Nc, RoundUp(cols, nr));
        float[] bufferA = GemmScratch.ForA(mcMax * kcMax), bufferB = GemmScratch.ForB(ncMax * kcMax);
        fixed (float* pa = bufferA, pb = bufferB)
            Blocks<TK>(g, row0, row1, col0, col1, GemmScratch.Align(pa), GemmScratch.Align(pb));
    }

    // Hot loops from the first call: tier-0 code of vector kernels is some 25 times slower, which
    // the first dozens of calls would otherwise pay.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocks<TK>(in GemmArgs g, int row0, int row1, int col0, int col1, float* packA, float* packB)
        where TK : IGemmKernel
    {
        int mr = TK.Mr, nr = TK.Nr;
        int rows = row1 - row0;
        float* edge = stackalloc float[mr * nr];

        // With few row panels each B micro-panel is used only a few times, so copying it costs about
        // as much as using it: read B in place (full-width panels only) when its layout allows.
        bool directB = !g.TransposeB && rows <= DirectBMaxRows * mr;

        for (int jc = col0; jc < col1; jc += TK.Nc)
        {
            int nc = Math.Min(TK.Nc, col1 - jc);
            int ncFull = directB ? nc - nc % nr : 0;
            for (int pc = 0; pc < g.K; pc += TK.Kc)
            {
                int kc = Math.Min(TK.Kc, g.K - pc);
                var store = GemmStore.ForBlock(g.Alpha, g.Beta, firstBlock: pc == 0);
                // Packed panels for the columns not read in place (all of them unless directB).
                GemmPacking.PackB(g, pc, kc, jc + ncFull, nc - ncFull, nr, packB);

                for (int ic = row0; ic < row1; ic += TK.Mc)
                {
                    int mc = Math.Min(TK.Mc, row1 - ic);
                    GemmPacking.PackA(g, ic, mc, pc, kc, mr, packA);

                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int w = Math.Min(nr, nc - jr);
                        float* bPanel;
                        nint bStride;
                        if (jr < ncFull)
                        {
                            bPanel = g.B + pc * g.Ldb + jc + jr;
                            bStride = g.Ldb;
                        }
                        else
                        {
                            bPanel = packB + (nint)(jr - ncFull) * kc;
                            bStride = nr;
                        }
                        float* cCol = g.C + jc + jr;

                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int r = Math.Min(mr, mc - ir);
                            float* aPanel = packA + (nint)ir * kc;
                            float* cTile = cCol + (ic + ir) * g.Ldc;
                            if (w == nr)
                            {
                                TK.Tile(r, kc, aPanel, bPanel, bStride, cTile, g.Ldc, store);
                            }
                            else
                            {
                                // Partial-width tile: compute the full tile into scratch (store
                                // acc·1 = acc exactly), then apply the same store rule per element.
                                TK.Tile(r, kc, aPanel, bPanel, bStride, edge, nr, new GemmStore(1, 0, true));
                                for (int i = 0; i < r; i++)
                                    for (int j = 0; j < w; j++)
                                        store.Apply(edge[i * nr + j], cTile + i * g.Ldc + j, TK.Fused);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Row panels up to which B is read in place rather than packed (when not transposed).</summary>
    internal const int DirectBMaxRows = 4;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
