using System.Buffers.Binary;
using System.IO.Compression;

namespace ScratchNet.Data;

/// <summary>
/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST: two zero bytes, a type byte,
/// a rank byte, the rank dimensions as big-endian int32, then the values row-major. Only the
/// unsigned-byte type (0x08) and ranks 1 to 4 are supported. A file may be gzip-compressed; that is
/// recognised by its content (the gzip magic bytes 0x1f 0x8b), not by its name.
/// </summary>
public static class IdxFile
{
    /// <summary>The type byte of unsigned-byte data.</summary>
    private const byte UnsignedByteType = 0x08;

    private const int MaxRank = 4;

    /// <summary>The most data bytes a file may declare: the largest .NET byte array.</summary>
    internal const long MaxDataBytes = 0x7FFFFFC7; // Array.MaxLength, as a constant.

    /// <summary>Deflate's largest possible ratio (a 258-byte match coded in two bits): no gzip file inflates to more than this many times its size.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>
    /// Reads the IDX file at <paramref name="path"/>, raw or gzip-compressed. Never allocates more than the file
    /// could hold (for gzip: 1032 times its size, deflate's largest ratio), whatever its header declares, and never
    /// inflates more than the header declares plus one byte.
    /// </summary>
    /// <exception cref="DataNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">
    /// The file is not a valid unsigned-byte IDX file: wrong magic, unsupported type, rank not 1 to 4,
    /// a dimension below 1, a declared size over 2 GiB, data shorter or longer than the dimensions
    /// declare, or corrupt gzip data.
    /// </exception>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // A missing file is "no data", not "bad data": the caller's advice differs (get the data vs. replace the file).
        if (!File.Exists(path))
            throw new DataNotFoundException($"Data file '{path}' does not exist.");

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        try
        {
            if (!gzip)
                return ReadContent(file, path, rawLength: file.Length, compressedLength: null);
            using var inflated = new GZipStream(file, CompressionMode.Decompress);
            return ReadContent(inflated, path, rawLength: null, compressedLength: file.Length);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path,
                "it starts like a gzip file but its compressed data is corrupt. Get the file again.", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> with dimensions <paramref name="dims"/> as an unsigned-byte IDX file,
    /// gzip-compressed when <paramref name="gzip"/> is true. An existing file is overwritten.
    /// </summary>
    /// <exception cref="ArgumentException">The dimensions are not 1 to 4 positive sizes, or their product is not the data length.</exception>
    public static void Write(string path, ReadOnlySpan<int> dims, ReadOnlySpan<byte> data, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length = CheckDimensions(dims);
        if (length != data.Length)
            throw new ArgumentException(
                $"Dimensions {Tensor.FormatShape(dims)} need {length} bytes, but {data.Length} were given.", nameof(data));

        Span<byte> header = stackalloc byte[4 + 4 * dims.Length];
        header[2] = UnsignedByteType;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.Slice(4 + 4 * i), dims[i]);

        using var file = File.Create(path);
        using Stream output = gzip ? new GZipStream(file, CompressionLevel.Optimal) : file;
        output.Write(header);
        output.Write(data);
    }

    /// <summary>Checks that <paramref name="dims"/> are 1 to 4 positive sizes of at most <see cref="MaxDataBytes"/> in all; returns their product.</summary>
    internal static long CheckDimensions(ReadOnlySpan<int> dims)
    {
        if (dims.Length is < 1 or > MaxRank)
            throw new ArgumentException($"An IDX array has 1 to {MaxRank} dimensions, got {dims.Length}.", nameof(dims));
        long length = 1;
        foreach (int d in dims)
        {
            if (d < 1)
                throw new ArgumentException($"IDX dimensions must be positive, got {Tensor.FormatShape(dims)}.", nameof(dims));
            length *= d; // Cannot overflow: length ≤ MaxDataBytes < 2^31 before, d < 2^31.
            if (length > MaxDataBytes)
                throw new ArgumentException($"IDX dimensions {Tensor.FormatShape(dims)} exceed {MaxDataBytes} bytes.", nameof(dims));
        }
        return length;
    }

    /// <summary>
    /// Reads header and data from <paramref name="stream"/>; <paramref name="rawLength"/> is the file length when
    /// uncompressed, <paramref name="compressedLength"/> when gzipped.
    /// </summary>
    private static IdxArray ReadContent(Stream stream, string path, long? rawLength, long? compressedLength)
    {
        Span<byte> start = stackalloc byte[4];
        int got = stream.ReadAtLeast(start, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new DataFormatException(path,
                (got == 0 ? "it is empty" : $"it holds only {got} bytes") +
                ", fewer than the 4-byte IDX header. The file is truncated or is not an IDX file.");
        if (start[0] != 0 || start[1] != 0)
            throw new DataFormatException(path,
                $"it does not start with the IDX magic number (two zero bytes) but with 0x{start[0]:x2} 0x{start[1]:x2}. " +
                "It is not an IDX file, or is compressed in a format other than gzip.");
        if (start[2] != UnsignedByteType)
            throw new DataFormatException(path,
                $"its IDX type byte is 0x{start[2]:x2} ({TypeName(start[2])}); only 0x08 (unsigned byte, as in MNIST and Fashion-MNIST) is supported.");
        int rank = start[3];
        if (rank is < 1 or > MaxRank)
            throw new DataFormatException(path, $"its IDX header declares rank {rank}; only ranks 1 to {MaxRank} are supported.");

        int headerLength = 4 + 4 * rank;
        Span<byte> dimBytes = stackalloc byte[4 * MaxRank];
        dimBytes = dimBytes[..(4 * rank)];
        got = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
            throw new DataFormatException(path,
                $"it ends inside the IDX header: rank {rank} needs {headerLength} header bytes but the file holds only {4 + got}.");
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.Slice(4 * i));
        if (dims.Any(d => d < 1))
            throw new DataFormatException(path,
                $"its IDX header declares dimensions {Tensor.FormatShape(dims)}; every dimension must be at least 1.");
        UInt128 declared = 1; // Four dimensions below 2^31 multiply to below 2^124: no overflow.
        foreach (int d in dims)
            declared *= (uint)d;
        string shape = Tensor.FormatShape(dims);
        // Checked before any allocation, so a corrupt or hostile header cannot exhaust memory.
        if (declared > MaxDataBytes)
            throw new DataFormatException(path,
                $"its IDX header declares dimensions {shape}, that is {declared} bytes of data, more than the " +
                $"{MaxDataBytes} bytes ScratchNet can load. The header is probably corrupt.");
        long length = (long)declared;

        byte[] data;
        if (rawLength is long fileLength)
        {
            // Uncompressed: the file length tells whether the data is all there before anything is allocated.
            long actual = fileLength - headerLength;
            if (actual != length)
                throw LengthMismatch(path, shape, length, truncated: actual < length,
                    (actual < length ? "only " : "") + $"{actual} bytes follow the header");
            data = new byte[length];
            stream.ReadExactly(data);
        }
        else
        {
            data = ReadGzipData(stream, path, shape, length, compressedLength!.Value);
        }
        return new IdxArray(dims, data);
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> inflated bytes and at most one more, to refuse a stream that goes on:
    /// a gzip bomb is never inflated beyond its declared size. A declared size the compressed file could not
    /// inflate to is refused before anything is allocated, so the allocation is bounded by the file size too.
    /// </summary>
    private static byte[] ReadGzipData(Stream stream, string path, string shape, long length, long compressedLength)
    {
        long possible = compressedLength * MaxDeflateRatio;
        if (length > possible)
            throw LengthMismatch(path, shape, length, truncated: true,
                $"a gzip file of {compressedLength} bytes inflates to at most {possible} bytes");
        var data = new byte[length];
        int filled = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (filled < data.Length)
            throw LengthMismatch(path, shape, length, truncated: true, $"only {filled} bytes follow the header once decompressed");
        if (stream.ReadByte() >= 0)
            throw LengthMismatch(path, shape, length, truncated: false, "more bytes follow the header once decompressed");
        return data;
    }

    private static DataFormatException LengthMismatch(string path, string shape, long declared, bool truncated, string actual)
    {
        string advice = truncated
            ? "The file is truncated (perhaps an interrupted download or copy); get it again."
            : "The file has extra bytes after the data, or its header is wrong.";
        return new DataFormatException(path,
            $"its length does not match its dimensions: the IDX header declares {shape}, that is {declared} data bytes, " +
            $"but {actual}. {advice}");
    }

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "not an IDX type",
    };
}
