using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Kernels;

/// <summary>
/// The weight gradient's transforms with the channels innermost: V [16, T, C] and Ŷ [16, O/8, T, 8] instead of
/// [16, C, T] and [16, O, T].
/// </summary>
/// <remarks>
/// <para>
/// The weight gradient sums over tiles: S_ξ[O, C] = Σ_t Ŷ_ξ[t, O]ᵀ·V_ξ[t, C]. With the tiles innermost (the forward
/// pass's layout) both operands of these products need transposing packs, which with 32×32 channels cost about as
/// much as the multiply-adds. Laid out tile by tile, the products read both operands as they are: V's rows directly,
/// Ŷ's panels of eight channels as a packed GEMM operand. The transposing moves to the images: each image and its
/// output gradient are copied once into a zero-padded [rows, columns, channels] buffer (a quarter of V's size), and
/// the transforms then work on whole vectors of eight channels with plain loads and stores, a band of tiles at a
/// time, small enough to stay in the second-level cache.
/// </para>
/// <para>
/// The images come from memory, not from the caches, and the copy reads them eight planes at a time: a prefetch a
/// quarter of a kilobyte ahead in each plane halved its time on the machine measured (28×28×32 images: 3.1 → 1.6 ms a
/// batch of 128 with their gradients).
/// </para>
/// </remarks>
public static partial class Winograd3x3
{
    /// <summary>
    /// Whether the weight gradient of C input and O output channels takes the channels-last transforms: whole vectors of
    /// eight channels, up to the sizes measured. One layer's weight gradient for a batch of 128 at one thread
    /// (docs/performance.md): 32×32 channels at 28×28, 11.3–11.8 ms with the tiles innermost, 7.2–7.5 channels-last;
    /// 128×128 at 7×7, 10.0–12.7 and 7.4–7.5; 256×256 at 7×7 the same either way, as far as it was measured.
    /// </summary>
    internal static bool UsesChannelsLastWeightGradient(int inChannels, int outChannels) =>
        inChannels % 8 == 0 && outChannels % 8 == 0 && inChannels + outChannels <= 512;

    /// <summary>The zero-padded [H, W, C] copy of an image the input transform reads: 2·tile rows + 2 by 2·tile columns + 2.</summary>
    internal static (int Height, int Width) PaddedChannelsLastSize(in ConvGeometry g)
    {
        var (rows, columns) = Tiles(g);
        return (2 * rows + 2, 2 * columns + 2);
    }

    /// <summary>The [OH, OW, O] copy of an output gradient, zeros past an odd edge: 2·tile rows by 2·tile columns.</summary>
    internal static (int Height, int Width) GradientChannelsLastSize(in ConvGeometry g)
    {
        var (rows, columns) = Tiles(g);
        return (2 * rows, 2 * columns);
    }

    /// <summary>
    /// planes [C, height, width] → dst [.., dstWidth, C] with plane pixel (y, x) at row y + top, column x + left; nothing
    /// else of dst is written. C is a multiple of eight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ToChannelsLast(float* planes, int channels, int height, int width, float* dst, int dstWidth, int top, int left)
    {
        const int Ahead = 64;   // floats: the lines a quarter of a kilobyte ahead in each plane
        int plane = height * width, p = 0;
        float** pixel = stackalloc float*[8];
        for (int y = 0, x = 0; p + 8 <= plane; p += 8)
        {
            // The eight pixels p … p + 7 may run over the end of a row.
            for (int k = 0; k < 8; k++)
            {
                pixel[k] = dst + ((nint)(y + top) * dstWidth + x + left) * channels;
                if (++x == width) { x = 0; y++; }
            }
            for (int c = 0; c < channels; c += 8)
            {
                float* source = planes + (nint)c * plane + p;
                if ((p & 15) == 0)
                    for (int k = 0; k < 8; k++) Sse.Prefetch0(source + k * plane + Ahead);
                Transpose8x8(source, plane, pixel, c);
            }
        }
        for (; p < plane; p++)
        {
            int y = p / width, x = p - y * width;
            float* target = dst + ((nint)(y + top) * dstWidth + x + left) * channels;
            for (int c = 0; c < channels; c++) target[c] = planes[(nint)c * plane + p];
        }
    }

    // Eight values of eight planes (rows of the block) to eight pixels' channels c … c + 7.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose8x8(float* source, nint stride, float** pixel, int c)
    {
        RegisterTranspose.LoadColumns(source, stride, out var r0, out var r1, out var r2, out var r3, out var r4, out var r5, out var r6, out var r7);
        Avx.Store(pixel[0] + c, r0);
        Avx.Store(pixel[1] + c, r1);
        Avx.Store(pixel[2] + c, r2);
        Avx.Store(pixel[3] + c, r3);
        Avx.Store(pixel[4] + c, r4);
        Avx.Store(pixel[5] + c, r5);
        Avx.Store(pixel[6] + c, r6);
        Avx.Store(pixel[7] + c, r7);
    }

    /// <summary>
    /// V_ξ = (Bᵀ d B)_ξ for <paramref name="count"/> tiles from tile <paramref name="first"/> of images padded by
    /// <see cref="ToChannelsLast"/> into [<see cref="PaddedChannelsLastSize"/>, C], <paramref name="imageStride"/> floats
    /// apart (tile n·tiles + i·tileColumns + j is image n's (i, j)): tile t's C values of position ξ at v + ξ·ldv + t·C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void TransformInputChannelsLast(float* padded, nint imageStride, in ConvGeometry g, int first, int count, float* v, nint ldv)
    {
        var (tileRows, tileColumns) = Tiles(g);
        int channels = g.Channels, tiles = tileRows * tileColumns;
        nint row = (nint)PaddedChannelsLastSize(g).Width * channels, step = channels;
        int n = first / tiles, i = first % tiles / tileColumns, j = first % tileColumns;
        for (int t = 0; t < count; t++, NextTile(ref n, ref i, ref j, tileRows, tileColumns))
        {
            float* tile = padded + n * imageStride + 2 * (i * row + j * step);
            float* dst = v + (nint)t * channels;
            for (int c = 0; c < channels; c += 8)
            {
                float* d = tile + c;
                // Row transform of each of the 4 input rows (d0 − d2, d1 + d2, d2 − d1, d1 − d3), then the same down the columns.
                RowOfFour(d, step, out var r00, out var r01, out var r02, out var r03);
                RowOfFour(d + row, step, out var r10, out var r11, out var r12, out var r13);
                RowOfFour(d + 2 * row, step, out var r20, out var r21, out var r22, out var r23);
                RowOfFour(d + 3 * row, step, out var r30, out var r31, out var r32, out var r33);
                Store<Full>(dst + c, ldv, default, 0, r00 - r20, r01 - r21, r02 - r22, r03 - r23);
                Store<Full>(dst + c, ldv, default, 4, r10 + r20, r11 + r21, r12 + r22, r13 + r23);
                Store<Full>(dst + c, ldv, default, 8, r20 - r10, r21 - r11, r22 - r12, r23 - r13);
                Store<Full>(dst + c, ldv, default, 12, r10 - r30, r11 - r31, r12 - r32, r13 - r33);
            }
        }
    }

    /// <summary>
    /// Ŷ_ξ = (A ∂Y Aᵀ)_ξ for <paramref name="count"/> tiles from tile <paramref name="first"/> of output gradients copied
    /// by <see cref="ToChannelsLast"/> into [<see cref="GradientChannelsLastSize"/>, O], <paramref name="imageStride"/>
    /// floats apart, the tiles numbered as in <see cref="TransformInputChannelsLast"/>: in panels of eight output
    /// channels, the layout of a packed GEMM operand (<see cref="GemmPanel"/>), tile t's channels 8q … 8q + 7 of position
    /// ξ at u + ξ·ldu + q·8·<paramref name="panelTiles"/> + 8t.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void TransformOutputGradientChannelsLast(float* gradients, nint imageStride, int outChannels, in ConvGeometry g, int first, int count, float* u, nint ldu, int panelTiles)
    {
        var (tileRows, tileColumns) = Tiles(g);
        int tiles = tileRows * tileColumns;
        nint row = (nint)GradientChannelsLastSize(g).Width * outChannels, step = outChannels;
        int n = first / tiles, i = first % tiles / tileColumns, j = first % tileColumns;
        for (int t = 0; t < count; t++, NextTile(ref n, ref i, ref j, tileRows, tileColumns))
        {
            float* tile = gradients + n * imageStride + 2 * (i * row + j * step);
            float* dst = u + (nint)t * 8;
            for (int o = 0; o < outChannels; o += 8, dst += (nint)8 * panelTiles)
            {
                // A·y down the two rows is (y0, y0 + y1, y0 − y1, −y1), then the same across each resulting row.
                float* y = tile + o;
                var e0 = Avx.LoadVector256(y);
                var o0 = Avx.LoadVector256(y + step);
                var e1 = Avx.LoadVector256(y + row);
                var o1 = Avx.LoadVector256(y + row + step);
                Across<Full>(dst, ldu, default, 0, e0, o0);
                Across<Full>(dst, ldu, default, 4, e0 + e1, o0 + o1);
                Across<Full>(dst, ldu, default, 8, e0 - e1, o0 - o1);
                Across<Full>(dst, ldu, default, 12, -e1, -o1);
            }
        }
    }

    // Image n's tile (i, j) to the next one, in the order the tiles are numbered.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NextTile(ref int n, ref int i, ref int j, int tileRows, int tileColumns)
    {
        if (++j < tileColumns) return;
        j = 0;
        if (++i < tileRows) return;
        i = 0;
        n++;
    }

    // Four pixels `step` floats apart: (d0 − d2, d1 + d2, d2 − d1, d1 − d3).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void RowOfFour(float* d, nint step, out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3)
    {
        var d0 = Avx.LoadVector256(d);
        var d1 = Avx.LoadVector256(d + step);
        var d2 = Avx.LoadVector256(d + 2 * step);
        var d3 = Avx.LoadVector256(d + 3 * step);
        t0 = d0 - d2;
        t1 = d1 + d2;
        t2 = d2 - d1;
        t3 = d1 - d3;
    }
}
