using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using ScratchNet.Kernels;
using ScratchNet.Operations;

namespace ScratchNet.Bench;

/// <summary>A convolution layer as it occurs in a preset, for a whole training batch.</summary>
/// <param name="Name">Short name for the table.</param>
/// <param name="Batch">Images per batch.</param>
/// <param name="Channels">Input channels.</param>
/// <param name="Size">Height and width.</param>
/// <param name="Filters">Output channels.</param>
/// <param name="Kernel">Kernel height and width ("same" padding, stride 1).</param>
public sealed record ConvCase(string Name, int Batch, int Channels, int Size, int Filters, int Kernel)
{
    /// <summary>
    /// seed-cnn's convolution (batch 60), fashion-cnn's second and fourth (batch 128), and a 128-channel 7×7 layer of
    /// fashion-resnet's last stage (batch 128).
    /// </summary>
    public static IReadOnlyList<ConvCase> All { get; } =
    [
        new("seed-conv", 60, 1, 28, 16, 5),
        new("fashion-conv2", 128, 32, 28, 32, 3),
        new("fashion-conv4", 128, 64, 14, 64, 3),
        new("resnet-conv7", 128, 128, 7, 128, 3),
    ];

    /// <summary>Floating-point operations of one forward pass: 2·N·O·C·K²·H·W.</summary>
    public double ForwardFlops => 2.0 * Batch * Filters * Channels * Kernel * Kernel * Size * Size;
}

/// <summary>
/// BenchmarkDotNet benchmarks of the convolution's parts on real layer shapes: im2col and col2im of a
/// batch, the forward pass, and the backward pass (weight and input gradients), at 1 and 2 threads.
/// </summary>
[Config(typeof(Config))]
public class ConvBenchmarks
{
    private ConvCase _case = null!;
    private Conv2DOperation _operation = null!;
    private Tensor _input = null!, _outputGradient = null!;
    private float[] _columns = [];
    private ConvGeometry _geometry;

    /// <summary>Case name from <see cref="ConvCase.All"/>.</summary>
    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    /// <summary>Thread count.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<string> CaseNames => ConvCase.All.Select(c => c.Name);

    [GlobalSetup]
    public void Setup()
    {
        _case = ConvCase.All.Single(c => c.Name == Case);
        var random = new Random(1);
        var weight = new Parameter("weight", new Tensor(_case.Filters, _case.Channels, _case.Kernel, _case.Kernel));
        foreach (ref float w in weight.Value.Span) w = (float)(random.NextDouble() - 0.5);
        _operation = new Conv2DOperation(weight, 1, 1, Padding.Same) { Compute = new ComputeContext(Threads) };
        _input = new Tensor(_case.Batch, _case.Channels, _case.Size, _case.Size);
        foreach (ref float x in _input.Span) x = (float)(random.NextDouble() - 0.5);
        Tensor output = _operation.Forward(_input, training: true);
        _outputGradient = new Tensor(output.Shape);
        foreach (ref float g in _outputGradient.Span) g = (float)(random.NextDouble() - 0.5);
        _geometry = _operation.GeometryFor(_input.Shape);
        _columns = new float[_geometry.PatchLength * _geometry.OutputPlane];
    }

    /// <summary>im2col of every image of the batch (single-threaded, as each worker does it).</summary>
    [Benchmark]
    public void Im2ColBatch()
    {
        for (int n = 0; n < _case.Batch; n++)
            Im2Col.Expand(_input.Span.Slice(n * _geometry.ImageLength, _geometry.ImageLength), _geometry, _columns);
    }

    /// <summary>col2im of every image of the batch (single-threaded).</summary>
    [Benchmark]
    public void Col2ImBatch()
    {
        for (int n = 0; n < _case.Batch; n++)
            Im2Col.Fold(_columns, _geometry, _input.Span.Slice(n * _geometry.ImageLength, _geometry.ImageLength));
    }

    /// <summary>The forward pass of the batch (im2col and GEMM per image).</summary>
    [Benchmark]
    public void Forward() => _operation.Forward(_input, training: true);

    /// <summary>The backward pass: weight gradient and input gradient.</summary>
    [Benchmark]
    public void Backward() => _operation.Backward(_outputGradient);

    // Forward: 2·N·O·C·K²·H·W; backward (both gradients): twice that; im2col and col2im: no figure.
    private static double? Flops(BenchmarkCase benchmark)
    {
        double factor = benchmark.Descriptor.WorkloadMethod.Name switch { nameof(Forward) => 1, nameof(Backward) => 2, _ => 0 };
        if (factor == 0 || benchmark.Parameters["Case"] is not string name) return null;
        return factor * ConvCase.All.Single(c => c.Name == name).ForwardFlops;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(Flops,
                "Billions of floating-point operations per second of the forward (2·N·O·C·K²·H·W) or backward (twice that) pass"));
            AddColumn(new PeakShareColumn(Flops));
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
