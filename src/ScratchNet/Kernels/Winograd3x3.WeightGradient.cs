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
    /// Ŷ_ξ = (A ∂Y Aᵀ)_ξ for every 2×2 tile of one image's output gradient <paramref name="outputGradient"/> [O, OH, OW]:
    /// written to <paramref name="u"/> [16, O, <paramref name="ldu"/>] at the columns <see cref="TransformInput"/> uses
    /// for the same tiles (with the same overwriting of up to seven columns after the last).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TransformOutputGradient(ReadOnlySpan<float> outputGradient, int outChannels, in ConvGeometry g, Span<float> padded, Span<float> u, int ldu, int firstColumn)
    {
        var (tileRows, tileColumns) = Tiles(g);
        var (height, width) = PaddedGradientSize(g);
        int oh = g.OutputHeight, ow = g.OutputWidth, tiles = tileRows * tileColumns;
        if (padded.Length < height * width || outputGradient.Length < outChannels * oh * ow || firstColumn + tiles > ldu
            || u.Length < (Positions * outChannels - 1) * ldu + firstColumn + tiles)
            throw new ArgumentException("Winograd output-gradient transform: a buffer is too small for the geometry.");
        fixed (float* source = outputGradient, p = padded, dst = u)
        {
            new Span<float>(p, height * width).Clear();   // the margins stay zero: only the plane's own area is copied over
            for (int o = 0; o < outChannels; o++)
            {
                for (int y = 0; y < oh; y++)
                    new ReadOnlySpan<float>(source + ((nint)o * oh + y) * ow, ow).CopyTo(new Span<float>(p + (nint)y * width, ow));
                for (int i = 0; i < tileRows; i++)
                    for (int j = 0; j < tileColumns; j += 8)
                    {
                        nint column = firstColumn + i * tileColumns + j;
                        float* rows = p + (nint)2 * i * width + 2 * j;
                        if (column + 8 <= ldu) GradientEight<Full>(rows, width, dst + (nint)o * ldu + column, (nint)outChannels * ldu, default);
                        else GradientEight<ThroughMask>(rows, width, dst + (nint)o * ldu + column, (nint)outChannels * ldu, FirstLanes(tileColumns - j));
                    }
            }
        }
    }

    // Eight 2×2 tiles side by side at `rows`: with e, o the even and odd columns of a row, A·y is (y0, y0 + y1,
    // y0 − y1, −y1) down the two rows, then the same across each resulting row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void GradientEight<TStore>(float* rows, int width, float* dst, nint stride, Vector256<float> mask)
        where TStore : struct, IStoreKind
    {
        var (e0, o0) = Deinterleave(rows);
        var (e1, o1) = Deinterleave(rows + width);
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
    public static void TransformWeightGradient(ReadOnlySpan<float> sums, int outChannels, int inChannels, Span<float> weightGradient)
    {
        int pairs = outChannels * inChannels;
        if (sums.Length < Positions * pairs || weightGradient.Length < 9 * pairs)
            throw new ArgumentException("Winograd weight-gradient transform: a buffer is too small.");
        Span<float> t = stackalloc float[12];
        for (int p = 0; p < pairs; p++)
        {
            for (int col = 0; col < 4; col++)   // t = Gᵀ·S (3×4): Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]
            {
                float s0 = sums[col * pairs + p], s1 = sums[(4 + col) * pairs + p], s2 = sums[(8 + col) * pairs + p], s3 = sums[(12 + col) * pairs + p];
                t[col] = s0 + 0.5f * (s1 + s2);
                t[4 + col] = 0.5f * (s1 - s2);
                t[8 + col] = 0.5f * (s1 + s2) + s3;
            }
            Span<float> w = weightGradient.Slice(p * 9, 9);
            for (int row = 0; row < 3; row++)   // ∂L/∂w = t·G (3×3)
            {
                float a = t[row * 4], b = t[row * 4 + 1], c = t[row * 4 + 2], d = t[row * 4 + 3];
                w[row * 3] = a + 0.5f * (b + c);
                w[row * 3 + 1] = 0.5f * (b - c);
                w[row * 3 + 2] = 0.5f * (b + c) + d;
            }
        }
    }
}
