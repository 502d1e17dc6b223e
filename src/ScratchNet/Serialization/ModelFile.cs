using System.Globalization;
using System.Text.Json;
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

        var state = StateOf(network).ToList();
        ModelFileChecks.StateIsDeclared(network, state);
        var tensors = state.Concat(extraTensors).ToList();
        SafeFile.Write(path, stream => SafeTensors.Write(stream, tensors, metadata));
    }

    /// <summary>
    /// Reads a model file back into a built network with the saved weights, normalisation and class names.
    /// Loading is strict: every parameter the architecture needs must be present with its exact shape,
    /// and no other tensor may be present; the message lists every missing, unexpected or mis-shaped one.
    /// All of that is checked against the file's header before a single weight is allocated, so a small file
    /// whose architecture asks for huge layers costs nothing (see <see cref="ModelFileChecks"/> for the limits).
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
        using SafeTensorsReader file = SafeTensorsReader.Open(path);
        IReadOnlyDictionary<string, string> metadata = file.Metadata;
        string Need(string key) => metadata.TryGetValue(key, out string? v) ? v
            : throw new ModelFileException(path, $"the metadata has no '{key}' entry; it is not a ScratchNet model file.");
        if (Need("format") != Format) throw new ModelFileException(path, $"its format is '{metadata["format"]}', not '{Format}'.");
        if (!int.TryParse(Need("format_version"), CultureInfo.InvariantCulture, out int version) || version > Version || version < 1)
            throw new ModelFileException(path, $"it has format version '{metadata["format_version"]}'; this ScratchNet reads version {Version}. Update ScratchNet to read it.");

        var (layers, loss) = ModelSpec.Parse(ModelFileChecks.Bounded(path, "architecture", Need("architecture"), ModelFileChecks.MaxArchitectureLength), path + " (architecture)");
        int seed = int.TryParse(metadata.GetValueOrDefault("seed"), CultureInfo.InvariantCulture, out int s) ? s : 1;
        int[] inputShape = ModelFileChecks.InputShape(path, ParseJson<int[]>(path, "input_shape", Need("input_shape")));
        var network = new NeuralNetwork(layers, loss, seed);
        // The tensors the architecture needs, compared with the header's before anything is built.
        ModelFileChecks.TensorsMatch(path, ModelFileChecks.StateShapes(path, network, inputShape),
            file.Entries.Values.Where(e => !isExtra(e.Name)).ToList());
        try
        {
            network.Build(inputShape);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, $"its architecture does not fit its input shape {Tensor.FormatShape(inputShape)}: {e.Message}", e);
        }

        LoadWeights(network, file, path);
        var extras = file.Entries.Values.Where(e => isExtra(e.Name)).ToDictionary(e => e.Name, file.Read);
        if (metadata.TryGetValue("normalization", out string? normalization))
            network.Normalization = ModelFileChecks.Normalization(path, ParseJson<Dictionary<string, JsonElement>>(path, "normalization", normalization), inputShape);
        if (metadata.TryGetValue("class_names", out string? classNames))
            network.ClassNames = ModelFileChecks.ClassNames(path, ParseJson<string?[]>(path, "class_names", classNames), network.Layers[^1].OutputSampleShape(network.Layers[^1].InputSampleShape));
        return (network, metadata, extras);
    }

    // The shapes were checked against the header already; what is left is the values: finite, and variances not negative.
    private static void LoadWeights(NeuralNetwork network, SafeTensorsReader file, string path)
    {
        var problems = new List<string>();
        foreach (var (name, value) in StateOf(network))
        {
            file.ReadInto(file.Entries[name], value.Span);
            if (!value.AllFinite()) problems.Add($"'{name}' holds NaN or infinite values");
        }
        foreach (var (name, buffer) in network.NamedBuffers())
            if (buffer.Name == "running_var" && buffer.Value.Span.ContainsAnyInRange(float.NegativeInfinity, -float.Epsilon))
                problems.Add($"'{name}' holds a negative variance");
        if (problems.Count > 0)
            throw new ModelFileException(path, $"its weights do not match its architecture: {string.Join("; ", problems)}.");
    }

    // Everything a trained model is made of: the parameters, then buffers such as batch-norm running statistics.
    private static IEnumerable<(string Name, Tensor Value)> StateOf(NeuralNetwork network) =>
        network.NamedParameters().Select(p => (p.Name, p.Parameter.Value))
            .Concat(network.NamedBuffers().Select(b => (b.Name, b.Buffer.Value)));

    /// <summary>JSON settings for metadata: ±∞ and NaN written as strings (a best accuracy before any evaluation is −∞).</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        AllowDuplicateProperties = false,
    };

    /// <summary>Reads the metadata entry <paramref name="key"/>; duplicate keys at any depth are refused, naming the key.</summary>
    internal static T ParseJson<T>(string path, string key, string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse( // names a duplicate key, which the serializer does not
                ModelFileChecks.Bounded(path, key, json, ModelFileChecks.MaxMetadataEntryLength), SafeTensorsHeader.Strict);
            return document.Deserialize<T>(Json) ?? throw new JsonException("it is null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new ModelFileException(path, $"its '{key}' metadata is not valid ({e.Message}).", e);
        }
    }
}
