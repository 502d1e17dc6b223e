using System.Globalization;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;
using ScratchNet.Tests.Packaging;

namespace ScratchNet.Tests.Golden;

/// <summary>
/// The golden values PyTorch's engine computed (tests/ScratchNet.Tests/Golden/torch-golden.safetensors), read with
/// ScratchNet's own safetensors reader, and the ScratchNet layer each case describes. The file's layout is described
/// in bench/ScratchNet.Bench.Torch/GoldenFixture.cs; regenerate it with
/// <c>dotnet run -c Release --project bench/ScratchNet.Bench.Torch -- golden tests/ScratchNet.Tests/Golden/torch-golden.safetensors</c>.
/// </summary>
internal static class TorchGolden
{
    /// <summary>Relative tolerance: |ScratchNet − torch| ≤ Relative·|torch| + Absolute·max|torch over the tensor|.</summary>
    public const double Relative = 1e-5;

    /// <summary>
    /// The absolute floor, as a fraction of the largest magnitude in the same tensor: a value near zero that is a sum
    /// of larger terms carries their float32 rounding (about 6e-8 of them each), which a relative test alone would
    /// demand it not to have. 1e-6 of the tensor's scale is still far below any convention error (a wrong padding
    /// side, a biased variance, a missing 1/N changes values by percents).
    /// </summary>
    public const double Absolute = 1e-6;

    private static readonly Lazy<(IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, Tensor> Tensors)> File =
        new(() => SafeTensors.Read(Path.Combine(DotnetTool.RepositoryRoot(), "tests", "ScratchNet.Tests", "Golden", "torch-golden.safetensors")));

    /// <summary>The names of every case in the file (metadata keys not wrapped in "__").</summary>
    public static IEnumerable<string> CaseNames => File.Value.Metadata.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal));

    /// <summary>The configuration of <paramref name="caseName"/> as key → value ("op" → "conv2d", …).</summary>
    public static IReadOnlyDictionary<string, string> Config(string caseName)
    {
        Assert.True(File.Value.Metadata.TryGetValue(caseName, out string? text), $"The golden fixture has no case '{caseName}'.");
        return text!.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    /// <summary>Whether the case holds tensor <paramref name="name"/>.</summary>
    public static bool Has(string caseName, string name) => File.Value.Tensors.ContainsKey($"{caseName}/{name}");

    /// <summary>The names of the case's tensors that start with <paramref name="prefix"/>, without it, in ordinal order.</summary>
    public static string[] Names(string caseName, string prefix) => File.Value.Tensors.Keys
        .Where(k => k.StartsWith($"{caseName}/{prefix}", StringComparison.Ordinal))
        .Select(k => k[(caseName.Length + 1 + prefix.Length)..]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A copy of tensor "CASE/NAME" (tests may modify it).</summary>
    public static Tensor Get(string caseName, string name)
    {
        Assert.True(File.Value.Tensors.TryGetValue($"{caseName}/{name}", out Tensor? tensor), $"The golden fixture has no tensor '{caseName}/{name}'.");
        return tensor!.Clone();
    }

    /// <summary>Asserts that <paramref name="actual"/> has the shape of "CASE/NAME" and its values within the tolerance.</summary>
    public static void AssertMatches(string caseName, string name, Tensor? actual, string? context = null)
    {
        Tensor expected = Get(caseName, name);
        string what = context is null ? $"{caseName}/{name}" : $"{caseName}/{name} ({context})";
        Assert.True(actual is not null, $"{what}: ScratchNet gave no tensor.");
        Assert.True(actual!.HasShape(expected.Shape), $"{what}: shape {actual.ShapeText}, PyTorch's {expected.ShapeText}.");
        double scale = 0;
        foreach (float e in expected.Span) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i], allowed = Relative * Math.Abs(e) + Absolute * scale;
            if (!(Math.Abs(a - e) <= allowed))
                Assert.Fail($"{what}: index {i}: ScratchNet {a:R}, PyTorch {e:R}, difference {Math.Abs(a - e):G3} > {allowed:G3}.");
        }
    }

    /// <summary>The ScratchNet layer a case's configuration describes.</summary>
    public static Layer CreateLayer(IReadOnlyDictionary<string, string> c) => c["op"] switch
    {
        "conv2d" => new Conv2D(Int(c["out"]), Pair(c["kernel"]).H, Pair(c["stride"]).H, Padding.Parse(c["padding"]), Bool(c["bias"]),
            CreateActivation(c["activation"]), Bool(c["flatten"]), Pair(c["kernel"]).W, Pair(c["stride"]).W, Int(c["groups"])),
        "batchnorm" => new BatchNorm(Float(c["momentum"]), Float(c["epsilon"]), CreateActivation(c["activation"])),
        "maxpool" => new MaxPool2D(Pair(c["kernel"]).H, Pair(c["stride"]).H, Padding.Parse(c["padding"]), Pair(c["kernel"]).W, Pair(c["stride"]).W),
        "avgpool" => new AvgPool2D(Pair(c["kernel"]).H, Pair(c["stride"]).H, Padding.Parse(c["padding"]), Pair(c["kernel"]).W, Pair(c["stride"]).W),
        "global_avgpool" => new GlobalAvgPool2D(),
        "dense" => new Dense(Int(c["out"]), CreateActivation(c["activation"]), Bool(c["bias"])),
        "activation" => new ActivationLayer(CreateActivation(c["activation"]) ?? throw new ArgumentException("An activation case needs an activation.")),
        string op => throw new ArgumentException($"Unknown golden operation '{op}'."),
    };

    /// <summary>ScratchNet's operation for an activation name of the fixture ("elu:0.5" is ELU with α 0.5); null for "none".</summary>
    public static Operation? CreateActivation(string name)
    {
        string[] parts = name.Split(':');
        float? argument = parts.Length > 1 ? Float(parts[1]) : null;
        return parts[0] switch
        {
            "none" => null,
            "relu" => new ReLU(),
            "tanh" => new Tanh(),
            "sigmoid" => new Sigmoid(),
            "elu" => new ELU(argument ?? 1f),
            "leaky_relu" => new LeakyReLU(argument ?? 0.01f),
            "gelu" => new GELU(),
            "softmax" => new Softmax(),
            _ => throw new ArgumentException($"Unknown golden activation '{name}'."),
        };
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static float Float(string text) => float.Parse(text, CultureInfo.InvariantCulture);

    private static bool Bool(string text) => bool.Parse(text);

    private static (int H, int W) Pair(string text)
    {
        string[] parts = text.Split(',');
        return (Int(parts[0]), Int(parts[^1]));
    }
}
