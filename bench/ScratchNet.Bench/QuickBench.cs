using System.Diagnostics;
using ScratchNet.Kernels;

namespace ScratchNet.Bench;

/// <summary>
/// A plain Stopwatch benchmark (no BenchmarkDotNet) that prints GFLOP/s for every shape at 1 and 2
/// threads in well under a minute. Reports the best of several timed batches, which is the least
/// disturbed by other work on a shared machine.
/// </summary>
public static class QuickBench
{
    public static void Run(string? filter)
    {
        var threadCounts = new[] { 1, 2 };
        Console.WriteLine($"GEMM GFLOP/s (best of 5 batches of >= 40 ms each); kernel: {Describe()}");
        Console.WriteLine($"{"shape",-13}{"m x n x k op",-17}{"1 thread",9}{"2 threads",11}{"alloc B/call 1t / 2t",22}");
        foreach (var shape in GemmShape.All)
        {
            if (filter is not null && !shape.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            var operands = new GemmOperands(shape);
            Console.Write($"{shape.Name,-13}{shape.Dimensions,-17}");
            var allocations = new List<string>();
            foreach (int threads in threadCounts)
            {
                var context = threads == 1 ? null : new ComputeContext(threads);
                double seconds = BestSecondsPerCall(operands, context, out double bytes);
                allocations.Add(bytes.ToString("F0"));
                Console.Write((shape.Flops / seconds / 1e9).ToString("F1").PadLeft(threads == 1 ? 9 : 11));
            }
            Console.WriteLine($"{string.Join(" / ", allocations),22}");
        }
    }

    private static string Describe() =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512 (AVX-512)"
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "Vector256 (AVX2)" : "scalar";

    private static double BestSecondsPerCall(GemmOperands operands, ComputeContext? context, out double bytesPerCall)
    {
        // Warm up: JIT tiers, packing buffers, thread pool.
        var warm = Stopwatch.StartNew();
        int calls = 0;
        while (warm.ElapsedMilliseconds < 250 || calls < 50) { operands.Run(context); calls++; }
        int batch = Math.Max(1, (int)(calls * 40.0 / warm.Elapsed.TotalMilliseconds));

        // All threads' allocations (worker threads included), averaged over a batch.
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < batch; i++) operands.Run(context);
        bytesPerCall = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / batch;

        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < batch; i++) operands.Run(context);
            best = Math.Min(best, sw.Elapsed.TotalSeconds / batch);
        }
        return best;
    }
}
