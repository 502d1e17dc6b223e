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

    /// <summary>
    /// The most tensors a file may list: 16,384. A model has at most four per layer and a checkpoint a few
    /// more per parameter; the limit keeps the bookkeeping of a hostile header small.
    /// </summary>
    public const int MaxTensors = 1 << 14;

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
    /// the file size, the JSON (strictly: no duplicate keys), every dtype (F32 only), shape and offset range,
    /// and that the tensors tile the data section without gaps or overlaps. A pipe is read too (see <see cref="SafeTensorsReader"/>).
    /// </summary>
    /// <exception cref="ModelFileException">The file is not a valid float32 safetensors file; the message says why.</exception>
    public static (IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, Tensor> Tensors) Read(string path)
    {
        using SafeTensorsReader reader = SafeTensorsReader.Open(path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, entry) in reader.Entries) tensors[name] = reader.Read(entry);
        return (reader.Metadata, tensors);
    }
}
