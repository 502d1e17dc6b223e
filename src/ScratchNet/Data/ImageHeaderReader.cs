using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace ScratchNet.Data;

/// <summary>
/// Reads format and size from the first bytes of an image file: the PNG IHDR chunk, the BMP info header, or the JPEG
/// start-of-frame segment found by walking the markers (reading only each marker's four bytes, past skipped segments).
/// </summary>
internal static class ImageHeaderReader
{
    /// <summary>How many bytes to read first; enough for the PNG and BMP headers and most JPEG frame headers.</summary>
    public const int HeadLength = 4096;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The header of the image whose first bytes are <paramref name="head"/> (the whole file when <paramref name="file"/>
    /// is null, else read on from <paramref name="file"/> when a JPEG's frame header lies further), or null with
    /// <paramref name="problem"/> saying why not.
    /// </summary>
    public static ImageHeader? Parse(ReadOnlySpan<byte> head, SafeFileHandle? file, long fileLength, out string problem)
    {
        problem = "";
        if (head.StartsWith(PngSignature)) return ParsePng(head, out problem);
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return ParseJpeg(head, file, fileLength, out problem);
        if (head.Length >= 2 && head[0] == (byte)'B' && head[1] == (byte)'M') return ParseBmp(head, out problem);
        problem = "it is not a PNG, JPEG or BMP image (its first bytes are no image signature)";
        return null;
    }

    private static ImageHeader? ParsePng(ReadOnlySpan<byte> head, out string problem)
    {
        // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), bit depth (1), colour type (1).
        if (head.Length < 26 || !head.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            problem = "it is a PNG cut short or damaged before its IHDR header";
            return null;
        }
        problem = "";
        long width = BinaryPrimitives.ReadUInt32BigEndian(head[16..]), height = BinaryPrimitives.ReadUInt32BigEndian(head[20..]);
        byte colourType = head[25];
        return Checked(ImageFormat.Png, width, height, colourType is not 0 and not 4, ref problem);
    }

    private static ImageHeader? ParseBmp(ReadOnlySpan<byte> head, out string problem)
    {
        problem = "it is a BMP cut short or damaged before its info header";
        if (head.Length < 26) return null;
        int infoSize = BinaryPrimitives.ReadInt32LittleEndian(head[14..]);
        long width, height;
        if (infoSize == 12)
        {
            width = BinaryPrimitives.ReadInt16LittleEndian(head[18..]);
            height = BinaryPrimitives.ReadInt16LittleEndian(head[20..]);
        }
        else if (infoSize >= 40)
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(head[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(head[22..])); // negative: rows stored top-down
        }
        else return null;
        problem = "";
        return Checked(ImageFormat.Bmp, width, height, true, ref problem);
    }

    private static ImageHeader? ParseJpeg(ReadOnlySpan<byte> head, SafeFileHandle? file, long fileLength, out string problem)
    {
        problem = "it is a JPEG cut short or damaged before its frame header (which holds the size)";
        Span<byte> bytes = stackalloc byte[10];
        long i = 2; // after SOI (FF D8)
        for (int segments = 0; segments < 10_000; segments++)
        {
            if (!TryRead(head, file, fileLength, i, bytes[..2]) || bytes[0] != 0xFF) return null;
            byte marker = bytes[1];
            i += 2;
            if (marker == 0xFF) { i--; continue; } // fill byte
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) continue; // markers without a length
            if (marker is 0xDA or 0xD9) return null; // scan data or end of image before any frame header
            if (!TryRead(head, file, fileLength, i, bytes[..2])) return null;
            int length = (bytes[0] << 8) | bytes[1];
            if (length < 2) return null;
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                // SOFn: length (2), precision (1), height (2), width (2), components (1).
                if (length < 8 || !TryRead(head, file, fileLength, i, bytes[..8])) return null;
                problem = "";
                return Checked(ImageFormat.Jpeg, (bytes[5] << 8) | bytes[6], (bytes[3] << 8) | bytes[4], bytes[7] >= 3, ref problem);
            }
            i += length;
        }
        return null;
    }

    private static bool TryRead(ReadOnlySpan<byte> head, SafeFileHandle? file, long fileLength, long offset, Span<byte> destination)
    {
        if (offset + destination.Length <= head.Length)
        {
            head.Slice((int)offset, destination.Length).CopyTo(destination);
            return true;
        }
        if (file is null || offset + destination.Length > fileLength) return false;
        return RandomAccess.Read(file, destination, offset) == destination.Length;
    }

    private static ImageHeader? Checked(ImageFormat format, long width, long height, bool colour, ref string problem)
    {
        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
        {
            problem = $"it declares a size of {width}×{height} pixels; an image needs at least one pixel";
            return null;
        }
        return new ImageHeader(format, (int)width, (int)height, colour);
    }
}
