using System.Globalization;
using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Training;

namespace ScratchNet.Serialization;

/// <summary>
/// One self-contained model file in the safetensors format (see <see cref="SafeTensors"/>). Tensors are
/// named as in PyTorch's state dict ("{layer index}.weight", "{layer index}.bias", "{layer index}.running_mean",
/// "{layer index}.running_var") and laid out as
/// PyTorch stores them: dense weights [out, in], convolution weights [out, in, kh, kw]. The metadata
/// holds everything needed to use the model again:
/// <c>format</c> ("scratchnet-model"), <c>format_version</c>, <c>architecture</c> (a <see cref="ModelSpec"/> JSON),
/// <c>input_shape</c> (JSON array, one sample), <c>seed</c>, and when known <c>normalization</c>
/// ({"mean": [per channel], "std": [per channel]}), <c>class_names</c> (JSON array) and <c>training</c> (free-form JSON settings).
/// </summary>
public static class ModelFile
{
    /// <summary>The value of the "format" metadata entry.</summary>
    public const string Format = "scratchnet-model";

    /// <summary>The version written; files of a newer version are refused with a clear message.</summary>
    public const int Version = 1;

    /// <summary>
    /// Writes <paramref name="network"/> (which must be built) to <paramref name="path"/> atomically with
    /// <see cref="SafeFile"/>: a crash never leaves a half-written model behind, and a target that is not a
    /// regular file (a device, a pipe, a link) is refused rather than replaced.
    /// </summary>
    public static void Save(NeuralNetwork network, string path, IReadOnlyDictionary<string, string>? trainingSettings = null) =>
        Write(network, path, trainingSettings, [], new Dictionary<string, string>());

    /// <summary>Writes the model with <paramref name="extraTensors"/> and <paramref name="extraMetadata"/> (checkpoints add their state).</summary>
    internal static void Write(NeuralNetwork network, string path, IReadOnlyDictionary<string, string>? trainingSettings,
        IReadOnlyList<(string Name, Tensor Value)> extraTensors, IReadOnlyDictionary<string, string> extraMetadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.IsBuilt) throw new InvalidOperationException("Build the network (or train it) before saving it: its weights do not exist yet.");
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["format_version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["architecture"] = ModelSpec.Describe(network.Layers, network.Loss),
            ["input_shape"] = JsonSerializer.Serialize(network.Layers[0].InputSampleShape.ToArray()),
            ["seed"] = network.Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (network.Normalization is { } n)
            metadata["normalization"] = JsonSerializer.Serialize(new Dictionary<string, IReadOnlyList<float>> { ["mean"] = n.Mean, ["std"] = n.Std });
        if (network.ClassNames is { } names) metadata["class_names"] = JsonSerializer.Serialize(names);
        if (trainingSettings is not null) metadata["training"] = JsonSerializer.Serialize(trainingSettings);
        foreach (var (key, value) in extraMetadata) metadata[key] = value;

        var tensors = StateOf(network).Select(p => (p.Name, p.Value)).Concat(extraTensors).ToList();
        SafeFile.Write(path, stream => SafeTensors.Write(stream, tensors, metadata));
    }

    /// <summary>
    /// Reads a model file back into a built network with the saved weights, normalisation and class names.
    /// Loading is strict: every parameter the architecture needs must be present with its exact shape,
    /// and no other tensor may be present; the message lists every missing, unexpected or mis-shaped one.
    /// </summary>
    /// <exception cref="ModelFileException">The file is unreadable, corrupt, or does not match its architecture.</exception>
    public static NeuralNetwork Load(string path) => Read(path, _ => false).Network;

    /// <summary>
    /// Reads a model file; tensors whose names <paramref name="isExtra"/> accepts are returned instead of
    /// being reported as unexpected (a checkpoint's optimizer state, for instance).
    /// </summary>
    internal static (NeuralNetwork Network, IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, Tensor> Extras) Read(
        string path, Func<string, bool> isExtra)
    {
        var (metadata, allTensors) = SafeTensors.Read(path);
        var tensors = allTensors.Where(t => !isExtra(t.Key)).ToDictionary(t => t.Key, t => t.Value);
        var extras = allTensors.Where(t => isExtra(t.Key)).ToDictionary(t => t.Key, t => t.Value);
        string Need(string key) => metadata.TryGetValue(key, out string? v) ? v
            : throw new ModelFileException(path, $"the metadata has no '{key}' entry; it is not a ScratchNet model file.");
        if (Need("format") != Format) throw new ModelFileException(path, $"its format is '{metadata["format"]}', not '{Format}'.");
        if (!int.TryParse(Need("format_version"), CultureInfo.InvariantCulture, out int version) || version > Version || version < 1)
            throw new ModelFileException(path, $"it has format version '{metadata["format_version"]}'; this ScratchNet reads version {Version}. Update ScratchNet to read it.");

        var (layers, loss) = ModelSpec.Parse(Need("architecture"), path + " (architecture)");
        int seed = int.TryParse(metadata.GetValueOrDefault("seed"), CultureInfo.InvariantCulture, out int s) ? s : 1;
        int[] inputShape = ParseJson<int[]>(path, "input_shape", Need("input_shape"));
        var network = new NeuralNetwork(layers, loss, seed);
        try
        {
            network.Build(inputShape);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, $"its architecture does not fit its input shape {Tensor.FormatShape(inputShape)}: {e.Message}", e);
        }

        LoadWeights(network, tensors, path);
        if (metadata.TryGetValue("normalization", out string? normalization))
        {
            Standardizer standardizer = ParseNormalization(path, normalization);
            if (inputShape.Length == 3 && standardizer.Channels != inputShape[0])
                throw new ModelFileException(path, $"its normalization has {standardizer.Channels} channel(s) but its input shape {Tensor.FormatShape(inputShape)} has {inputShape[0]}.");
            network.Normalization = standardizer;
        }
        if (metadata.TryGetValue("class_names", out string? classNames))
            network.ClassNames = ParseJson<string[]>(path, "class_names", classNames);
        return (network, metadata, extras);
    }

    // {"mean": [m0, …], "std": [s0, …]}, one entry per channel; files of format version 1 before colour hold single numbers.
    private static Standardizer ParseNormalization(string path, string json)
    {
        var stats = ParseJson<Dictionary<string, JsonElement>>(path, "normalization", json);
        static float[]? Values(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Number => [e.GetSingle()],
            JsonValueKind.Array when e.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray(),
            _ => null,
        };
        float[]? mean = stats.TryGetValue("mean", out JsonElement m) ? Values(m) : null;
        float[]? std = stats.TryGetValue("std", out JsonElement s) ? Values(s) : null;
        if (mean is null || std is null)
            throw new ModelFileException(path, "its normalization entry needs a 'mean' and a 'std', each a number or a list of numbers (one per channel).");
        try
        {
            return new Standardizer(mean, std);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, $"its normalization entry is not usable: {e.Message}", e);
        }
    }

    private static void LoadWeights(NeuralNetwork network, IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        var problems = new List<string>();
        var expected = StateOf(network).ToList();
        foreach (var (name, value) in expected)
        {
            if (!tensors.TryGetValue(name, out Tensor? stored)) problems.Add($"missing '{name}' {value.ShapeText}");
            else if (!stored.HasShape(value.Shape)) problems.Add($"'{name}' has shape {stored.ShapeText}, expected {value.ShapeText}");
            else if (!stored.AllFinite()) problems.Add($"'{name}' holds NaN or infinite values");
            else value.CopyFrom(stored);
        }
        var names = expected.Select(p => p.Name).ToHashSet();
        foreach (string name in tensors.Keys.Where(n => !names.Contains(n)).Order())
            problems.Add($"unexpected '{name}'");
        if (problems.Count > 0)
            throw new ModelFileException(path, $"its weights do not match its architecture: {string.Join("; ", problems)}.");
    }

    // Everything a trained model is made of: the parameters, then buffers such as batch-norm running statistics.
    private static IEnumerable<(string Name, Tensor Value)> StateOf(NeuralNetwork network) =>
        network.NamedParameters().Select(p => (p.Name, p.Parameter.Value))
            .Concat(network.NamedBuffers().Select(b => (b.Name, b.Buffer.Value)));

    /// <summary>JSON settings for metadata: ±∞ and NaN written as strings (a best accuracy before any evaluation is −∞).</summary>
    internal static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    internal static T ParseJson<T>(string path, string key, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new ModelFileException(path, $"its '{key}' metadata is not valid ({e.Message}).", e);
        }
    }
}
