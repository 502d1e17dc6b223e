using System.Buffers.Binary;
using System.Text.Json;

namespace ScratchNet.Serialization;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON header, then the
/// raw tensor data. The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
/// (offsets into the data section) and may hold "__metadata__", a map of strings. ScratchNet writes
/// float32 ("F32") little-endian, row-major, in the order given (parameters, then buffers), with the header padded by spaces to a
/// multiple of 8 bytes; Python's <c>safetensors</c> package and PyTorch read it as it is.
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted; real headers are a few kilobytes.</summary>
    public const int MaxHeaderBytes = 16 << 20;

    /// <summary>Writes <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += (long)tensor.Length * sizeof(float));
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - header.Length % 8) % 8);
        for (int i = 0; i < padding; i++) header.WriteByte((byte)' ');

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var (_, tensor) in tensors)
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ScratchNet writes model files on little-endian machines only.");
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Span));
        }
    }

    /// <summary>
    /// Reads a safetensors file, validating everything before allocating: the header length against
    /// the file size, the JSON, every dtype (F32 only), shape and offset range, and that the tensors
    /// tile the data section without gaps or overlaps.
    /// </summary>
    /// <exception cref="ModelFileException">The file is not a valid float32 safetensors file; the message says why.</exception>
    public static (IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, Tensor> Tensors) Read(string path)
    {
        using var stream = OpenForReading(path);
        long fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw new ModelFileException(path, $"it is {fileLength} bytes long, too short for the 8-byte header length of a safetensors file.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new ModelFileException(path, $"the header claims {headerLength} bytes but only {fileLength - 8} follow: the file is truncated or not a safetensors file.");
        if (headerLength > MaxHeaderBytes)
            throw new ModelFileException(path, $"the header claims {headerLength} bytes, more than the {MaxHeaderBytes} accepted.");

        byte[] header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
        try
        {
            using JsonDocument document = JsonDocument.Parse(header);
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
                entries.Add(ParseEntry(path, property));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: names or strings that are not valid UTF-8.
            throw new ModelFileException(path, $"the header is not valid UTF-8 JSON ({e.Message}).", e);
        }

        // The tensors must tile [0, dataLength) exactly: sorted by offset, each begins where the last ended.
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
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

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var tensor = new Tensor(e.Shape);
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Span));
            tensors[e.Name] = tensor;
        }
        return (metadata, tensors);
    }

    private static (string Name, int[] Shape, long Begin, long End) ParseEntry(string path, JsonProperty property)
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
        return (name, shape.ToArray(), begin, end);
    }

    private static FileStream OpenForReading(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFileException(path, "the file does not exist.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ModelFileException(path, "it cannot be read (permission denied).", e);
        }
    }
}
