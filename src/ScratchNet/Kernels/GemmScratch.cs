namespace ScratchNet.Kernels;

/// <summary>
/// Packing buffers for <see cref="Gemm"/>: one A and one B buffer per thread, grown when a larger
/// problem needs more and kept for the thread's lifetime. The threads that run the kernels (the
/// caller and a <see cref="ComputeContext"/>'s workers) live as long as training keeps them busy,
/// so after the first steps nothing is allocated (a shared
/// array pool was tried first and still allocated kilobytes per training step once the pool's
/// per-thread caches were trimmed or missed).
/// </summary>
internal static unsafe class GemmScratch
{
    /// <summary>Padding so a 64-byte-aligned start (one cache line, one zmm) always fits.</summary>
    public const int AlignFloats = 16;

    [ThreadStatic] private static float[]? t_a;
    [ThreadStatic] private static float[]? t_b;

    /// <summary>This thread's buffer for packed A, holding at least <paramref name="floats"/> floats after alignment.</summary>
    public static float[] ForA(int floats) => Ensure(ref t_a, floats);

    /// <summary>This thread's buffer for packed B, holding at least <paramref name="floats"/> floats after alignment.</summary>
    public static float[] ForB(int floats) => Ensure(ref t_b, floats);

    /// <summary>The first 64-byte-aligned address at or after <paramref name="pointer"/>.</summary>
    public static float* Align(float* pointer) =>
        (float*)(((nint)pointer + (AlignFloats * sizeof(float) - 1)) & ~(nint)(AlignFloats * sizeof(float) - 1));

    private static float[] Ensure(ref float[]? buffer, int floats)
    {
        if (buffer is null || buffer.Length < floats + AlignFloats) buffer = new float[floats + AlignFloats];
        return buffer;
    }
}
