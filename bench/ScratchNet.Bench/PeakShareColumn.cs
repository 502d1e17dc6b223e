using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ScratchNet.Bench;

/// <summary>
/// GFLOP/s as a share of the FMA peak of the cores a case used: its Threads parameter times one core's peak, measured
/// (<see cref="PeakBench.OneCore"/>) once, when the table is made, so the yardstick comes from the same machine in the
/// same state as the figures.
/// </summary>
public sealed class PeakShareColumn(Func<BenchmarkCase, double?> flops) : IColumn
{
    private static readonly Lazy<double> OneCorePeak = new(PeakBench.OneCore);

    public string Id => nameof(PeakShareColumn);
    public string ColumnName => "share of FMA peak";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"GFLOP/s over threads × one core's FMA peak ({OneCorePeak.Value:F1} GFLOP/s, measured as --peak does when the table was made)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0 || flops(benchmarkCase) is not { } count || benchmarkCase.Parameters["Threads"] is not int threads) return "-";
        double share = count / meanNs.Value / (threads * OneCorePeak.Value);
        return share.ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
