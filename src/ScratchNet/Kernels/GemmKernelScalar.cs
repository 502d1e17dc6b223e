namespace ScratchNet.Kernels;

/// <summary>
/// Portable microkernel for machines without AVX2/FMA (or AVX-512): plain scalar multiply-add on a
/// 4×4 tile. Separate multiply and add (no FMA) because software-emulated FMA would be very slow.
/// </summary>
internal unsafe struct GemmKernelScalar : IGemmKernel
{
    public static int Mr => 4;
    public static int Nr => 4;
    public static int Kc => 256;
    public static int Mc => 64;
    public static int Nc => 1024;
    public static bool Fused => false;

    public static void Tile(int rows, int kc, float* a, float* b, nint bStride, float* c, nint ldc, in GemmStore store)
    {
        float* acc = stackalloc float[16];
        for (int i = 0; i < 16; i++) acc[i] = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            for (int r = 0; r < rows; r++)
            {
                float x = a[r];
                float* row = acc + r * 4;
                row[0] += x * b0;
                row[1] += x * b1;
                row[2] += x * b2;
                row[3] += x * b3;
            }
            a += 4;
            b += bStride;
        }
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < 4; j++)
                store.Apply(acc[r * 4 + j], c + r * ldc + j, fused: false);
    }
}
