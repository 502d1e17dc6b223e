using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScratchNet.Kernels;

/// <summary>
/// Per-thread packing buffers for <see cref="Gemm"/>. Each thread keeps its own pinned arrays and
/// only grows them, so steady-state calls allocate nothing; pinned (pinned object heap) so that the
/// 64-byte-aligned pointers stay valid without a <c>fixed</c> around every use.
/// </summary>
internal static unsafe class GemmScratch
{
    private const int AlignFloats = 16; // 64 bytes: one cache line, one zmm register

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="floats"/> floats for packed A.</summary>
    public static float* PackA(int floats) => Get(ref t_packA, floats);

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="floats"/> floats for packed B.</summary>
    public static float* PackB(int floats) => Get(ref t_packB, floats);

    private static float* Get(ref float[]? buffer, int floats)
    {
        if (buffer is null || buffer.Length < floats + AlignFloats)
            buffer = GC.AllocateUninitializedArray<float>(floats + AlignFloats, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + (AlignFloats * sizeof(float) - 1)) & ~(nint)(AlignFloats * sizeof(float) - 1));
    }
}
