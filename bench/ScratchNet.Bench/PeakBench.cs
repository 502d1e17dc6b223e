using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Bench;

/// <summary>
/// Measures this core's FMA throughput with independent register-only Vector512 (or Vector256)
/// FMA chains, i.e. the practical single-thread peak that GEMM is compared against.
/// </summary>
public static class PeakBench
{
    public static void Run()
    {
        for (int round = 0; round < 3; round++)
        {
            double g512 = Measure512(), g256 = Measure256();
            Console.WriteLine($"FMA peak, 1 thread: Vector512 {g512:F1} GFLOP/s, Vector256 {g256:F1} GFLOP/s");
        }
    }

    /// <summary>
    /// One core's FMA peak in GFLOP/s, the best of three measurements with the widest vectors this machine runs at full
    /// speed (Vector512 where accelerated), as <c>--peak</c> prints it.
    /// </summary>
    public static double OneCore()
    {
        double best = 0;
        for (int round = 0; round < 3; round++)
            best = Math.Max(best, Vector512.IsHardwareAccelerated ? Measure512() : Measure256());
        return best;
    }

    private static double Measure512()
    {
        const long iterations = 20_000_000;
        var sw = Stopwatch.StartNew();
        float sink = Chains512(iterations);
        double s = sw.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        return iterations * 12 * 16 * 2 / s / 1e9;
    }

    private static double Measure256()
    {
        const long iterations = 20_000_000;
        var sw = Stopwatch.StartNew();
        float sink = Chains256(iterations);
        double s = sw.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        return iterations * 12 * 8 * 2 / s / 1e9;
    }

    // 12 independent accumulators: more than latency × throughput, so only FMA issue width limits.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        var x = Vector256.Create(0.999f);
        var y = Vector256.Create(1e-7f);
        Vector256<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }
}
