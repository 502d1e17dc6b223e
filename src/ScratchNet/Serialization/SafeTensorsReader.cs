using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ScratchNet.Serialization;

/// <summary>One tensor listed in a safetensors header: its name, shape and byte range in the data section.</summary>
internal readonly record struct SafeTensorsEntry(string Name, int[] Shape, long Begin, long End);

/// <summary>
/// An open safetensors file whose header has been read and validated (see <see cref="SafeTensors.Read"/>) but
/// whose tensors have not: callers compare the entries with what they expect before reading, so a file that
/// declares more than it should costs nothing. A file that cannot seek (a pipe) is read into memory first, at
/// most as many bytes as its header declares, so its size is known too.
/// </summary>
internal sealed class SafeTensorsReader : IDisposable
{
    private readonly Stream _data;
    private readonly long _dataStart;

    private SafeTensorsReader(Stream data, long dataStart, IReadOnlyDictionary<string, string> metadata, List<SafeTensorsEntry> entries)
    {
        (_data, _dataStart, Metadata) = (data, dataStart, metadata);
        Entries = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The "__metadata__" map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor in the file, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorsEntry> Entries { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable or not a valid float32 safetensors file.</exception>
    public static SafeTensorsReader Open(string path)
    {
        FileStream stream = OpenForReading(path);
        try
        {
            return stream.CanSeek ? Read(path, stream, stream.Length) : Read(path, stream, fileLength: null);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads the values of <paramref name="entry"/> into <paramref name="destination"/>, which has its length.</summary>
    public void ReadInto(SafeTensorsEntry entry, Span<float> destination)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ScratchNet reads model files on little-endian machines only.");
        _data.Position = _dataStart + entry.Begin;
        _data.ReadExactly(MemoryMarshal.AsBytes(destination));
    }

    /// <summary>Reads <paramref name="entry"/> into a new tensor.</summary>
    public Tensor Read(SafeTensorsEntry entry)
    {
        var tensor = new Tensor(entry.Shape);
        ReadInto(entry, tensor.Span);
        return tensor;
    }

    /// <inheritdoc />
    public void Dispose() => _data.Dispose();

    // fileLength is null for a stream that cannot seek: then the data section is buffered after the header is read.
    private static SafeTensorsReader Read(string path, Stream stream, long? fileLength)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw new ModelFileException(path, $"it is {(fileLength is { } n ? $"{n} bytes" : "less than 8 bytes")} long, too short for the 8-byte header length of a safetensors file.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (fileLength is { } length && headerLength > (ulong)(length - 8))
            throw new ModelFileException(path, $"the header claims {headerLength} bytes but only {length - 8} follow: the file is truncated or not a safetensors file.");
        if (headerLength > SafeTensors.MaxHeaderBytes)
            throw new ModelFileException(path, $"the header claims {headerLength} bytes, more than the {SafeTensors.MaxHeaderBytes} accepted.");
        byte[] header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            throw new ModelFileException(path, $"the header claims {headerLength} bytes but the input ends before them: it is truncated or not a safetensors file.");

        var (metadata, entries) = SafeTensorsHeader.Parse(path, header);
        Stream data = stream;
        long dataStart = 8 + (long)headerLength, dataLength;
        if (fileLength is { } total)
        {
            dataLength = total - dataStart;
        }
        else
        {
            long declared = entries.Count == 0 ? 0 : entries.Max(e => e.End);
            if (declared >= Array.MaxLength)
                throw new ModelFileException(path, $"it is read from a pipe and declares {declared} bytes of tensors, more than can be held in memory; save it to a file first.");
            data = Buffer(stream, declared + 1); // one byte more than declared shows data the header does not cover
            stream.Dispose();
            dataStart = 0;
            dataLength = data.Length;
        }
        SafeTensorsHeader.CheckLayout(path, entries, dataLength);
        return new SafeTensorsReader(data, dataStart, metadata, entries);
    }

    // Copies at most `limit` bytes; the buffer grows with what actually arrives, not with what the header claims.
    private static MemoryStream Buffer(Stream source, long limit)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while (buffer.Length < limit && (read = source.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length))) > 0)
            buffer.Write(chunk, 0, read);
        return buffer;
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
