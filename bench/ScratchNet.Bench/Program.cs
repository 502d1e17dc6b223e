using BenchmarkDotNet.Running;
using ScratchNet.Bench;

// --quick [filter]: Stopwatch table of GFLOP/s at 1 and 2 threads (about 10 s); filter matches shape names.
// --peak: FMA throughput of one core, the yardstick for the GFLOP/s figures.
// Anything else goes to BenchmarkDotNet, e.g. --filter '*' (add --job Short --inProcess for a ~2 minute run).
if (args.Length > 0 && args[0] == "--peak")
{
    PeakBench.Run();
    return;
}
if (args.Length > 0 && args[0] == "--quick")
{
    QuickBench.Run(args.Length > 1 ? args[1] : null);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
