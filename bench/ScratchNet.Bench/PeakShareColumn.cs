using BenchmarkDotNet.Running;

namespace ScratchNet.Bench;

/// <summary>
/// GFLOP/s as a share of the FMA peak of the cores a case used: its Threads parameter times one core's peak, measured
/// (<see cref="PeakBench.OneCore"/>) once, when the table is made, so the yardstick comes from the same machine in the
/// same state as the figures.
/// </summary>
public sealed class PeakShareColumn(Func<BenchmarkCase, double?> flops) : FlopsColumn(flops)
{
    private static readonly Lazy<double> OneCorePeak = new(PeakBench.OneCore);

    public override string Id => nameof(PeakShareColumn);
    public override string ColumnName => "share of FMA peak";
    public override string Legend => $"GFLOP/s over threads × one core's FMA peak ({OneCorePeak.Value:F1} GFLOP/s, measured as --peak does when the table was made)";
    public override int PriorityInCategory => 1;

    protected override string? Format(double gflops, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters["Threads"] is int threads
            ? (gflops / (threads * OneCorePeak.Value)).ToString("P0", System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
