using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
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
