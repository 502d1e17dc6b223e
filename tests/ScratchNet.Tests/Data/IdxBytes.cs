using System.Buffers.Binary;
using System.IO.Compression;

namespace ScratchNet.Tests.Data;

/// <summary>Builds IDX file content byte by byte, to make malformed files that IdxFile.Write refuses to write.</summary>
internal static class IdxBytes
{
    /// <summary>An IDX header: two zero bytes, type, rank, then big-endian dimensions.</summary>
    public static byte[] Header(byte type, params int[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = type;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }

    /// <summary>An unsigned-byte header for <paramref name="dims"/> followed by <paramref name="dataLength"/> bytes 0, 1, 2, …</summary>
    public static byte[] File(int[] dims, int dataLength) =>
        [.. Header(0x08, dims), .. Enumerable.Range(0, dataLength).Select(i => (byte)i)];

    /// <summary>
    /// Writes a gzip bomb to <paramref name="path"/>: an unsigned-byte header for <paramref name="dims"/>, then
    /// <paramref name="zeros"/> zero bytes, compressed about 1000:1 (1 GiB of zeros gives a file of about 1 MB).
    /// </summary>
    public static void WriteGzipBomb(string path, int[] dims, long zeros)
    {
        using var file = System.IO.File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        gzip.Write(Header(0x08, dims));
        var chunk = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= chunk.Length)
            gzip.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
    }

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(content);
        return output.ToArray();
    }
}
