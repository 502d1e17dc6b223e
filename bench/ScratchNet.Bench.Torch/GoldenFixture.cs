using System.Globalization;
using ScratchNet.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace ScratchNet.Bench.Torch;

/// <summary>
/// `golden FILE`: writes the golden-value fixture the unit tests compare ScratchNet against
/// (tests/ScratchNet.Tests/Golden/torch-golden.safetensors): for every case of <see cref="GoldenCases"/>, seeded
/// inputs and weights and what PyTorch's engine (libtorch through TorchSharp) computes from them.
/// </summary>
/// <remarks>
/// <para>Inputs and weights are drawn as float32 values (so ScratchNet sees exactly them); libtorch computes in
/// float64 from those values and the results are rounded once to float32 when stored, so each golden value is the
/// exact answer to within float32 rounding and any difference the tests see is ScratchNet's own error.</para>
/// <para>Layout of the file, per case NAME: metadata "NAME" holds the case's configuration
/// ("op=conv2d;out=4;kernel=3,3;…", read by the tests to build the same layer); tensors "NAME/x" (input),
/// "NAME/PARAM" (each parameter, by ScratchNet's and PyTorch's common name: weight, bias), "NAME/running_mean" and
/// "NAME/running_var" (batch norm's statistics before the step), "NAME/dy" (the gradient sent back into the output:
/// the loss is Σ y·dy), "NAME/y" (output), "NAME/dx" (∂L/∂x), "NAME/grad/PARAM" (∂L/∂PARAM) and
/// "NAME/after/running_mean", "NAME/after/running_var" (the statistics after the step). Loss cases hold "NAME/x"
/// (logits or predictions), "NAME/target", "NAME/loss" ([1]) and "NAME/dx".</para>
/// </remarks>
public static class GoldenFixture
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: ScratchNet.Bench.Torch golden FILE   (writes the golden-value fixture, e.g. tests/ScratchNet.Tests/Golden/torch-golden.safetensors)";

    /// <summary>Runs the command: args = [FILE]. Returns the exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 1 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        Console.Error.WriteLine(ElfVersionPatch.PrepareTorchSharp());
        torch.set_num_threads(1);
        var fixture = new GoldenWriter();
        GoldenCases.AddAll(fixture);
        string path = Path.GetFullPath(args[0]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary)) fixture.Write(stream, $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__}");
        File.Move(temporary, path, overwrite: true);
        Console.WriteLine($"{path}: {fixture.CaseCount} cases, {fixture.TensorCount} tensors, {new FileInfo(path).Length:N0} bytes");
        return 0;
    }
}

/// <summary>Collects the cases' tensors and configurations, then writes them as one safetensors file.</summary>
public sealed class GoldenWriter
{
    private readonly List<(string Name, ScratchNet.Tensor Tensor)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>How many cases were added.</summary>
    public int CaseCount => _metadata.Count;

    /// <summary>How many tensors were added.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>Starts case <paramref name="name"/> with its configuration text.</summary>
    public void Case(string name, string configuration)
    {
        if (!_metadata.TryAdd(name, configuration)) throw new InvalidOperationException($"Golden case '{name}' is defined twice.");
    }

    /// <summary>Stores <paramref name="value"/> (any float dtype) as float32 under "CASE/NAME".</summary>
    public void Add(string caseName, string name, TorchTensor value)
    {
        using TorchTensor single = value.detach().to(ScalarType.Float32).contiguous();
        int[] shape = single.shape.Select(d => checked((int)d)).ToArray();
        if (shape.Length == 0) shape = [1];
        _tensors.Add(($"{caseName}/{name}", new ScratchNet.Tensor(single.data<float>().ToArray(), shape)));
    }

    /// <summary>Writes the file: the tensors in the order added, the configurations and the engine as metadata.</summary>
    public void Write(Stream stream, string engine)
    {
        var metadata = new Dictionary<string, string>(_metadata, StringComparer.Ordinal)
        {
            ["__engine__"] = engine,
            ["__cases__"] = _metadata.Count.ToString(CultureInfo.InvariantCulture),
        };
        SafeTensors.Write(stream, _tensors, metadata);
    }
}
