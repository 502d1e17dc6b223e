using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ScratchNet.Bench;

/// <summary>
/// A table column computed from a case's mean time and the operation count <c>flops</c> gives for it (null: no figure,
/// e.g. for a memory-bound step); subclasses say how the rate is shown.
/// </summary>
public abstract class FlopsColumn(Func<BenchmarkCase, double?> flops) : IColumn
{
    public abstract string Id { get; }
    public abstract string ColumnName { get; }
    public abstract string Legend { get; }
    public abstract int PriorityInCategory { get; }
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0 || flops(benchmarkCase) is not { } count) return "-";
        return Format(count / meanNs.Value, benchmarkCase) ?? "-";
    }

    /// <summary>The cell for a case that ran at <paramref name="gflops"/> GFLOP/s (null: no figure).</summary>
    protected abstract string? Format(double gflops, BenchmarkCase benchmarkCase);

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>GFLOP/s from the mean time and the operation count of a case.</summary>
public sealed class GflopsColumn(Func<BenchmarkCase, double?> flops, string legend) : FlopsColumn(flops)
{
    public override string Id => nameof(GflopsColumn);
    public override string ColumnName => "GFLOP/s";
    public override string Legend => legend;
    public override int PriorityInCategory => 0;

    protected override string? Format(double gflops, BenchmarkCase benchmarkCase) =>
        gflops.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
