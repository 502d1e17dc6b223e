using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ScratchNet.Kernels;

namespace ScratchNet.Bench;

/// <summary>BenchmarkDotNet benchmarks of <see cref="Gemm"/> on the framework's shapes.</summary>
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private GemmOperands _operands = null!;
    private ComputeContext? _context;

    /// <summary>Shape name from <see cref="GemmShape.All"/>.</summary>
    [ParamsSource(nameof(ShapeNames))]
    public string Shape { get; set; } = "";

    /// <summary>Thread count.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<string> ShapeNames => GemmShape.All.Select(s => s.Name);

    [GlobalSetup]
    public void Setup()
    {
        _operands = new GemmOperands(GemmShape.Find(Shape));
        _context = Threads == 1 ? null : new ComputeContext(Threads);
    }

    [Benchmark]
    public void Multiply() => _operands.Run(_context);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(
                c => c.Parameters["Shape"] is string name ? GemmShape.Find(name).Flops : null,
                "Billions of floating-point operations per second (2·m·n·k / mean time)"));
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}

/// <summary>
/// GFLOP/s from the mean time and the operation count that <c>flops</c> gives for a benchmark case
/// (null: no figure, e.g. for a memory-bound step).
/// </summary>
public sealed class GflopsColumn(Func<BenchmarkCase, double?> flops, string legend) : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0 || flops(benchmarkCase) is not { } count) return "-";
        return (count / meanNs.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
