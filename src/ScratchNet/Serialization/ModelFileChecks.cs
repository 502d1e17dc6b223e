using System.Globalization;
using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Training;

namespace ScratchNet.Serialization;

/// <summary>
/// What a model file's metadata must satisfy before it is believed. Nothing in a file is trusted: the input
/// shape is bounded, the tensors the architecture needs are derived from it and compared with the header before
/// any is allocated, the normalisation must be usable for the input's channels, and the class names must be
/// printable and as many as the network's outputs.
/// </summary>
public static class ModelFileChecks
{
    /// <summary>
    /// The largest input dimension accepted (65,536, as for the command line's --input): no image model
    /// comes near it, and it keeps every product of two dimensions far from overflowing.
    /// </summary>
    public const int MaxInputDimension = 65536;

    /// <summary>
    /// The most values one input sample may hold: 2^28 (1 GiB of float32 per image, e.g. 3×8192×8192 fits twice
    /// over). It keeps a sample's length and a layer's flattened size within an int with room to spare.
    /// </summary>
    public const int MaxInputValues = 1 << 28;

    /// <summary>
    /// The longest <c>architecture</c> entry accepted, in characters: 256 Ki, some 6,000 layers (fashion-cnn's
    /// is 1.5 Ki). Parsing it creates every layer, so its size bounds that work and memory.
    /// </summary>
    public const int MaxArchitectureLength = 1 << 18;

    /// <summary>The longest of the other JSON metadata entries accepted, in characters: 4 Mi (class names, settings, a checkpoint's history).</summary>
    public const int MaxMetadataEntryLength = 4 << 20;

    /// <summary>The most problems one message lists; the rest are counted.</summary>
    private const int ListedProblems = 20;

    /// <summary>The file's <c>input_shape</c>, after checking that it has 1 to 3 dimensions within the limits above.</summary>
    /// <exception cref="ModelFileException">It does not.</exception>
    public static int[] InputShape(string path, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long values = 1;
        bool ok = shape.Length is >= 1 and <= 3;
        foreach (int d in shape)
        {
            ok &= d is >= 1 and <= MaxInputDimension;
            values *= ok ? d : 1;
        }
        if (!ok || values > MaxInputValues)
            throw new ModelFileException(path,
                $"its input_shape {Tensor.FormatShape(shape)} is not usable: it needs 1 to 3 dimensions (e.g. [1, 28, 28]), each from 1 to {MaxInputDimension}, " +
                $"and at most {MaxInputValues:N0} values per sample.");
        return shape;
    }

    /// <summary>The parameters and buffers <paramref name="network"/> would have for <paramref name="inputShape"/>, computed without building it.</summary>
    /// <exception cref="ModelFileException">The architecture does not fit the input shape, or a size overflows.</exception>
    internal static IReadOnlyList<(string Name, int[] Shape)> StateShapes(string path, NeuralNetwork network, int[] inputShape)
    {
        try
        {
            return network.StateShapes(inputShape);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, $"its architecture does not fit its input shape {Tensor.FormatShape(inputShape)}: {e.Message}", e);
        }
    }

    /// <summary>Compares the tensors the architecture needs with those the file holds; every difference is listed.</summary>
    /// <exception cref="ModelFileException">A tensor is missing, unexpected or of another shape.</exception>
    internal static void TensorsMatch(string path, IReadOnlyList<(string Name, int[] Shape)> expected, IReadOnlyList<SafeTensorsEntry> stored)
    {
        var problems = new List<string>();
        var byName = stored.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            if (!byName.TryGetValue(name, out SafeTensorsEntry entry)) problems.Add($"missing '{name}' {Tensor.FormatShape(shape)}");
            else if (!entry.Shape.SequenceEqual(shape)) problems.Add($"'{name}' has shape {Tensor.FormatShape(entry.Shape)}, expected {Tensor.FormatShape(shape)}");
        }
        var names = expected.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in byName.Keys.Where(n => !names.Contains(n)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected '{name}'");
        if (problems.Count > 0)
            throw new ModelFileException(path, $"its weights do not match its architecture: {string.Join("; ", problems.Take(ListedProblems))}" +
                (problems.Count > ListedProblems ? $"; and {problems.Count - ListedProblems} more." : "."));
    }

    /// <summary>
    /// Checks, before a network is saved, that its parameters and buffers are those its layers' <see cref="Layers.Layer.StateShapes"/>
    /// declare: loading compares a file with the declared ones, so a layer of the user's that creates a parameter without
    /// declaring it would give a file that can never be loaded.
    /// </summary>
    /// <exception cref="NotSupportedException">They differ; the message names each tensor.</exception>
    internal static void StateIsDeclared(NeuralNetwork network, IReadOnlyList<(string Name, Tensor Value)> state)
    {
        var declared = network.StateShapes(network.Layers[0].InputSampleShape).ToDictionary(s => s.Name, s => s.Shape, StringComparer.Ordinal);
        var problems = state.Where(t => !declared.TryGetValue(t.Name, out int[]? shape) || !t.Value.HasShape(shape))
            .Select(t => declared.TryGetValue(t.Name, out int[]? shape)
                ? $"'{t.Name}' is {t.Value.ShapeText} but declared {Tensor.FormatShape(shape)}" : $"'{t.Name}' {t.Value.ShapeText} is not declared")
            .Concat(declared.Keys.Except(state.Select(t => t.Name), StringComparer.Ordinal).Select(n => $"'{n}' is declared but does not exist"))
            .ToArray();
        if (problems.Length > 0)
            throw new NotSupportedException($"The network's parameters and buffers are not those its layers declare ({string.Join("; ", problems.Take(ListedProblems))}), " +
                                            "so its file could not be loaded: a layer of your own that creates parameters or buffers must list each, with its shape, in an override of Layer.StateShapes.");
    }

    /// <summary>The metadata entry <paramref name="key"/>, after checking it is no longer than <paramref name="limit"/> characters.</summary>
    /// <exception cref="ModelFileException">It is longer.</exception>
    internal static string Bounded(string path, string key, string value, int limit) => value.Length <= limit ? value
        : throw new ModelFileException(path, $"its '{key}' metadata is {value.Length:N0} characters long, more than the {limit:N0} accepted.");

    /// <summary>
    /// The <c>normalization</c> entry, {"mean": [per channel], "std": [per channel]} (files of format version 1
    /// before colour hold single numbers), with one channel per input channel (a [C, H, W] input has C; others 1).
    /// </summary>
    /// <exception cref="ModelFileException">It is malformed, a value is not usable (see <see cref="Standardizer"/>), or the channels disagree.</exception>
    internal static Standardizer Normalization(string path, Dictionary<string, JsonElement> stats, int[] inputShape)
    {
        static float[]? Values(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Number => Number(e) is float f ? [f] : null,
            JsonValueKind.Array => e.EnumerateArray().Select(Number).ToArray() is var values && values.All(v => v is not null) ? values.Select(v => v!.Value).ToArray() : null,
            _ => null,
        };
        float[]? mean = stats.TryGetValue("mean", out JsonElement m) ? Values(m) : null;
        float[]? std = stats.TryGetValue("std", out JsonElement s) ? Values(s) : null;
        if (mean is null || std is null)
            throw new ModelFileException(path, "its normalization entry needs a 'mean' and a 'std', each a finite number or a list of finite numbers (one per channel).");
        Standardizer standardizer;
        try
        {
            standardizer = new Standardizer(mean, std);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(path, $"its normalization entry is not usable: {e.Message}", e);
        }
        int channels = inputShape.Length == 3 ? inputShape[0] : 1;
        if (standardizer.Channels != channels)
            throw new ModelFileException(path, $"its normalization has {standardizer.Channels} channel(s) but its input shape {Tensor.FormatShape(inputShape)} has {channels}.");
        return standardizer;
    }

    // A float the JSON number holds exactly enough: 1e999 and the like are not numbers a normalisation can use.
    private static float? Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && double.TryParse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
        && float.IsFinite((float)d) ? (float)d : null;

    /// <summary>
    /// The <c>class_names</c> entry: one non-empty name per output of the network, none holding a control character
    /// or a line break (names reach terminals, HTML reports and JSON files).
    /// </summary>
    /// <exception cref="ModelFileException">A name is missing, empty or unprintable, or the count differs from the outputs.</exception>
    internal static string[] ClassNames(string path, string?[] names, int[] outputShape)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrEmpty(names[i]))
                throw new ModelFileException(path, $"class name {i} is {(names[i] is null ? "null" : "empty")}; every class needs a name.");
            if (names[i]!.Any(PlainText.IsUnprintable))
                throw new ModelFileException(path, $"class name {i} holds a control character or line break ({JsonSerializer.Serialize(names[i])}); names must be plain text.");
        }
        if (outputShape is not [int outputs] || outputs != names.Length)
            throw new ModelFileException(path, $"it names {names.Length} classes but the network's output per sample is {Tensor.FormatShape(outputShape)}; there must be one name per output.");
        return names!;
    }
}
