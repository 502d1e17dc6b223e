using System.Text.Json;

namespace ScratchNet.Serialization;

/// <summary>
/// The JSON header of a safetensors file, parsed strictly: a duplicate key anywhere is refused (a reader that
/// kept the first and one that kept the last would see different files), every tensor is F32 with a shape
/// and a byte range that agree, and the ranges tile the data section without gaps or overlaps.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>JSON reading options for everything read from a file: duplicate keys are an error.</summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>The metadata and the tensor entries (sorted by offset) of <paramref name="header"/>.</summary>
    /// <exception cref="ModelFileException">The header is not valid; the message says why.</exception>
    public static (IReadOnlyDictionary<string, string> Metadata, List<SafeTensorsEntry> Entries) Parse(string path, byte[] header)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<SafeTensorsEntry>();
        try
        {
            using JsonDocument document = JsonDocument.Parse(header, Strict);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFileException(path, "the header is not a JSON object.");
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new ModelFileException(path, "__metadata__ is not an object of strings.");
                    foreach (JsonProperty item in property.Value.EnumerateObject())
                        metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()!
                            : throw new ModelFileException(path, $"metadata entry '{item.Name}' is not a string.");
                    continue;
                }
                if (entries.Count == SafeTensors.MaxTensors)
                    throw new ModelFileException(path, $"the header lists more than {SafeTensors.MaxTensors} tensors, the most accepted.");
                entries.Add(ParseEntry(path, property));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: names or strings that are not valid UTF-8.
            throw new ModelFileException(path, $"the header is not valid UTF-8 JSON ({e.Message}).", e);
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        return (metadata, entries);
    }

    /// <summary>Checks that <paramref name="entries"/> (sorted by offset) tile [0, <paramref name="dataLength"/>) exactly.</summary>
    /// <exception cref="ModelFileException">There is a gap, an overlap, or a tensor beyond the data.</exception>
    public static void CheckLayout(string path, IReadOnlyList<SafeTensorsEntry> entries, long dataLength)
    {
        long expected = 0;
        foreach (var e in entries)
        {
            if (e.Begin != expected)
                throw new ModelFileException(path, e.Begin < expected
                    ? $"tensor '{e.Name}' overlaps the tensor before it (offset {e.Begin} < {expected})."
                    : $"there is a gap before tensor '{e.Name}' (offset {e.Begin}, expected {expected}).");
            if (e.End > dataLength)
                throw new ModelFileException(path, $"tensor '{e.Name}' ends at byte {e.End} of the data, but the data holds {dataLength} bytes: the file is truncated.");
            expected = e.End;
        }
        if (expected != dataLength)
            throw new ModelFileException(path, $"the data section holds {dataLength} bytes but the tensors cover {expected}.");
    }

    private static SafeTensorsEntry ParseEntry(string path, JsonProperty property)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw new ModelFileException(path, $"the entry for tensor '{name}' is not an object.");
        string? dtype = value.TryGetProperty("dtype", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (dtype != "F32")
            throw new ModelFileException(path, $"tensor '{name}' has dtype '{dtype ?? "(none)"}'; ScratchNet reads float32 ('F32') only.");
        if (!value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new ModelFileException(path, $"tensor '{name}' has no shape array.");
        var shape = new List<int>();
        long count = 1;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            if (!dim.TryGetInt32(out int size) || size < 0)
                throw new ModelFileException(path, $"tensor '{name}' has a dimension that is not a non-negative whole number: {dim}.");
            shape.Add(size);
            count *= size;
            if (count > Array.MaxLength)
                throw new ModelFileException(path, $"tensor '{name}' declares more values than one array can hold.");
        }
        if (!value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2 || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end)
            || begin < 0 || end < begin)
            throw new ModelFileException(path, $"tensor '{name}' has no valid data_offsets [begin, end].");
        if (end - begin != count * sizeof(float))
            throw new ModelFileException(path, $"tensor '{name}' of shape {Tensor.FormatShape(shape.ToArray())} needs {count * sizeof(float)} bytes, but its offsets span {end - begin}.");
        return new SafeTensorsEntry(name, shape.ToArray(), begin, end);
    }
}
