using System.Buffers;

namespace ScratchNet.Kernels;

/// <summary>
/// Packing buffers for <see cref="Gemm"/>, rented from <see cref="ArrayPool{T}.Shared"/> so steady
/// state allocates nothing whichever thread-pool threads the work lands on (per-thread buffers would
/// be allocated again for every new pool thread).
/// </summary>
internal static unsafe class GemmScratch
{
    /// <summary>Padding so a 64-byte-aligned start (one cache line, one zmm) always fits.</summary>
    public const int AlignFloats = 16;

    /// <summary>Rents an array that holds <paramref name="floats"/> floats after alignment.</summary>
    public static float[] Rent(int floats) => ArrayPool<float>.Shared.Rent(floats + AlignFloats);

    /// <summary>Gives a rented array back.</summary>
    public static void Return(float[] buffer) => ArrayPool<float>.Shared.Return(buffer);

    /// <summary>The first 64-byte-aligned address at or after <paramref name="pointer"/>.</summary>
    public static float* Align(float* pointer) =>
        (float*)(((nint)pointer + (AlignFloats * sizeof(float) - 1)) & ~(nint)(AlignFloats * sizeof(float) - 1));
}
