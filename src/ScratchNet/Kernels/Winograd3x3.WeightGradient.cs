using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Kernels;

/// <summary>
/// The weight gradient by the same F(2×2, 3×3) transforms, read backwards.
/// </summary>
/// <remarks>
/// Per tile the forward pass is Y = Aᵀ[U ⊙ V]A with U = G g Gᵀ, so ∂L/∂U = (A ∂Y Aᵀ) ⊙ V and ∂L/∂g = Gᵀ(∂L/∂U)G.
/// Summed over tiles, images and channel pairs, the 16 positions are again 16 matrix products, now with the tiles as
/// the inner dimension: S_ξ[O, C] = Σ_T Ŷ_ξ[O, T]·V_ξ[C, T], with Ŷ = A ∂Y Aᵀ per output-gradient tile (2×2 → 4×4) and
/// V the forward pass's input transform; then ∂L/∂w[o, c] = Gᵀ S[o, c] G (4×4 → 3×3). Output positions past the edge
/// of an odd-sized output have no gradient: their tiles are padded with zeros, so they add nothing.
/// </remarks>
public static partial class Winograd3x3
{
    /// <summary>Length of the padded-plane scratch <see cref="TransformOutputGradient"/> needs.</summary>
    public static int PaddedGradientLength(in ConvGeometry g)
    {
        var (height, width) = PaddedGradientSize(g);
        return checked(height * width);
    }

    // Two rows per tile row; the tiles rounded up to groups of eight, two columns each.
    private static (int Height, int Width) PaddedGradientSize(in ConvGeometry g)
    {
        var (rows, columns) = Tiles(g);
        return (2 * rows, 2 * ((columns + 7) / 8 * 8));
    }

    /// <summary>
    /// Ŷ_ξ = (A ∂Y Aᵀ)_ξ for every 2×2 tile of <paramref name="count"/> images' output gradients
    /// <paramref name="outputGradients"/> [count, O, OH, OW]: written to <paramref name="u"/> [16, O, <paramref name="ldu"/>]
    /// at the columns <see cref="TransformInput"/> uses for the same tiles (with the same overwriting of up to seven
    /// columns after the last), in the same order (plane by plane, image by image).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TransformOutputGradient(ReadOnlySpan<float> outputGradients, int count, int outChannels, in ConvGeometry g, Span<float> padded, Span<float> u, int ldu)
    {
        var (tileRows, tileColumns) = Tiles(g);
        var (height, width) = PaddedGradientSize(g);
        int oh = g.OutputHeight, ow = g.OutputWidth, tiles = tileRows * tileColumns;
        if (padded.Length < height * width || outputGradients.Length < (long)count * outChannels * oh * ow || (long)count * tiles > ldu
            || u.Length < (Positions * outChannels - 1) * (long)ldu + count * tiles)
            throw new ArgumentException("Winograd output-gradient transform: a buffer is too small for the geometry.");
        bool paired = Paired(tileColumns);
        fixed (float* source = outputGradients, p = padded, dst = u)
        {
            new Span<float>(p, height * width).Clear();   // the margins stay zero: only the plane's own area is copied over
            nint stride = (nint)outChannels * ldu;
            for (int o = 0; o < outChannels; o++)
            {
                for (int n = 0; n < count; n++)
                {
                    CopyIntoPadding(source + ((nint)n * outChannels + o) * oh * ow, oh, ow, p, width);
                    float* row = dst + (nint)o * ldu;
                    int i = 0;
                    if (paired)   // tile rows i and i + 1 in one vector, as in TransformInput
                        for (; i + 1 < tileRows; i += 2)
                            GradientEight<Full>(p + (nint)2 * i * width, width, 2 * width, row + n * tiles + 4 * i, stride, default);
                    for (; i < tileRows; i++)
                        for (int j = 0; j < tileColumns; j += 8)
                        {
                            int column = n * tiles + i * tileColumns + j;
                            float* rows = p + (nint)2 * i * width + 2 * j;
                            if (column + 8 <= ldu) GradientEight<Full>(rows, width, 8, row + column, stride, default);
                            else GradientEight<ThroughMask>(rows, width, 8, row + column, stride, FirstLanes(tileColumns - j));
                        }
                }
            }
        }
    }

    // Eight 2×2 tiles at `rows` (tiles 4 … 7 `high` floats after 0 … 3, as in TransformEight): with e, o the even and
    // odd columns of a row, A·y is (y0, y0 + y1, y0 − y1, −y1) down the two rows, then the same across each resulting row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void GradientEight<TStore>(float* rows, int width, nint high, float* dst, nint stride, Vector256<float> mask)
        where TStore : struct, IStoreKind
    {
        var (e0, o0) = Deinterleave(rows, high);
        var (e1, o1) = Deinterleave(rows + width, high);
        Across<TStore>(dst, stride, mask, 0, e0, o0);
        Across<TStore>(dst, stride, mask, 4, e0 + e1, o0 + o1);
        Across<TStore>(dst, stride, mask, 8, e0 - e1, o0 - o1);
        Across<TStore>(dst, stride, mask, 12, -e1, -o1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Across<TStore>(float* dst, nint stride, Vector256<float> mask, int first, Vector256<float> even, Vector256<float> odd)
        where TStore : struct, IStoreKind =>
        Store<TStore>(dst, stride, mask, first, even, even + odd, even - odd, -odd);

    /// <summary>
    /// ∂L/∂w[o, c] = Gᵀ S[o, c] G for every filter: <paramref name="sums"/> [16, O, C] → <paramref name="weightGradient"/>
    /// [O, C, 3, 3] (overwritten).
    /// </summary>
    /// <remarks>The rows of S are read sixteen filters at a time, as <see cref="TransformWeights"/> writes U's.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TransformWeightGradient(ReadOnlySpan<float> sums, int outChannels, int inChannels, Span<float> weightGradient)
    {
        const int Block = 16;
        int pairs = outChannels * inChannels;
        if (sums.Length < Positions * pairs || weightGradient.Length < 9 * pairs)
            throw new ArgumentException("Winograd weight-gradient transform: a buffer is too small.");
        float* block = stackalloc float[Positions * Block];
        fixed (float* source = sums, dst = weightGradient)
        {
            for (int p0 = 0; p0 < pairs; p0 += Block)
            {
                int count = Math.Min(Block, pairs - p0);
                for (int xi = 0; xi < Positions; xi++)
                    new ReadOnlySpan<float>(source + (nint)xi * pairs + p0, count).CopyTo(new Span<float>(block + xi * Block, count));
                for (int q = 0; q < count; q++) GradientOfFilter(block + q, Block, dst + (nint)(p0 + q) * 9);
            }
        }
    }

    // Gᵀ S G for one filter, S's position ξ at s[ξ·stride] (4×4 → 3×3): with Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1], each
    // group of four (s0, s1, s2, s3) becomes (s0 + ½(s1 + s2), ½(s1 − s2), ½(s1 + s2) + s3), first down the columns,
    // then along the rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void GradientOfFilter(float* s, nint stride, float* w)
    {
        // t = Gᵀ·S (3×4), column by column of S.
        GroupOfFour(s[0], s[4 * stride], s[8 * stride], s[12 * stride], out float t00, out float t10, out float t20);
        GroupOfFour(s[stride], s[5 * stride], s[9 * stride], s[13 * stride], out float t01, out float t11, out float t21);
        GroupOfFour(s[2 * stride], s[6 * stride], s[10 * stride], s[14 * stride], out float t02, out float t12, out float t22);
        GroupOfFour(s[3 * stride], s[7 * stride], s[11 * stride], s[15 * stride], out float t03, out float t13, out float t23);
        // ∂L/∂w = t·G (3×3), row by row of t.
        GroupOfFour(t00, t01, t02, t03, out w[0], out w[1], out w[2]);
        GroupOfFour(t10, t11, t12, t13, out w[3], out w[4], out w[5]);
        GroupOfFour(t20, t21, t22, t23, out w[6], out w[7], out w[8]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GroupOfFour(float s0, float s1, float s2, float s3, out float first, out float second, out float third)
    {
        first = s0 + 0.5f * (s1 + s2);
        second = 0.5f * (s1 - s2);
        third = 0.5f * (s1 + s2) + s3;
    }
}
