using Microsoft.Win32.SafeHandles;
using StbImageSharp;

namespace ScratchNet.Data;

/// <summary>
/// Decodes PNG, JPEG and BMP files (by their signature, whatever their name) into 0–255 CHW floats of 1 or 3 channels.
/// The first bytes are checked before anything else is read: the signature, and the size the header declares, which
/// must be at most <see cref="MaxPixels"/>; a file far longer than an image of that size can be is refused unread.
/// </summary>
/// <remarks>
/// Colour to grey uses the luma of ITU-R BT.601, 0.299 R + 0.587 G + 0.114 B (what <c>predict</c> has always used);
/// grey to colour repeats the grey value in all three channels. Transparent parts are composited onto black (each
/// value times alpha / 255). JPEG decoding runs under a time limit: the decoder can loop on some damaged files.
/// Safe to call from several threads at once.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>Images declaring more pixels than this (100 megapixels) are refused from their header.</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>How long a JPEG may take to decode before it counts as damaged.</summary>
    public static readonly TimeSpan DecodeTimeout = TimeSpan.FromSeconds(60);

    // Files up to this length are read whole in one call (cheaper than a header read and a second read).
    private const int ReadWholeBelow = 64 * 1024;

    /// <summary>Whether <paramref name="path"/> has an image file extension: .png, .jpg, .jpeg or .bmp, in any case.</summary>
    public static bool HasImageExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg" or ".bmp";

    /// <summary>Reads the header of <paramref name="path"/>: only its first bytes (and, for a JPEG, each marker up to the frame header).</summary>
    /// <exception cref="DataNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is unreadable, empty, not an image, or declares too many pixels.</exception>
    public static ImageHeader ReadHeader(string path)
    {
        using SafeFileHandle file = Open(path);
        long length = Length(file, path);
        Span<byte> head = stackalloc byte[(int)Math.Min(length, ImageHeaderReader.HeadLength)];
        ReadExactly(file, head, 0, path);
        return CheckedHeader(head, file, length, path);
    }

    /// <summary>
    /// Decodes <paramref name="path"/> into <paramref name="channels"/> channels (1 or 3; 0 keeps what the file holds,
    /// see <see cref="ImageHeader.IsColour"/>).
    /// </summary>
    /// <exception cref="DataNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is unreadable, not an image, too large, corrupt or truncated.</exception>
    public static DecodedImage Decode(string path, int channels = 0)
    {
        var (image, header) = DecodeFile(path);
        int c = channels == 0 ? header.Channels : channels;
        var pixels = new float[c * image.Width * image.Height];
        WritePixels(image, c, pixels);
        return new DecodedImage(c, image.Height, image.Width, pixels);
    }

    /// <summary>Reads and decodes <paramref name="path"/>, checking the header first; the image's bytes are as the file stores them.</summary>
    internal static (ImageResult Image, ImageHeader Header) DecodeFile(string path)
    {
        byte[] bytes;
        ImageHeader header;
        using (SafeFileHandle file = Open(path))
        {
            long length = Length(file, path);
            if (length <= ReadWholeBelow)
            {
                bytes = new byte[length];
                ReadExactly(file, bytes, 0, path);
                header = CheckedHeader(bytes, null, length, path);
            }
            else
            {
                Span<byte> head = stackalloc byte[ImageHeaderReader.HeadLength];
                ReadExactly(file, head, 0, path);
                header = CheckedHeader(head, file, length, path);
                // Even a 16-bit RGBA PNG stored uncompressed needs about 8 bytes a pixel; more than that is not this image.
                long plausible = 1024 * 1024 + 12 * header.Pixels;
                if (length > plausible || length > Array.MaxLength)
                    throw new DataFormatException(path,
                        $"it is {length:N0} bytes long, far more than an image of {header.Width}×{header.Height} pixels needs; it is not a valid image. Remove it or replace it.");
                bytes = new byte[length];
                ReadExactly(file, bytes, 0, path);
            }
        }
        ImageResult? image = header.Format == ImageFormat.Jpeg
            ? WithTimeout(bytes, path)
            : Run(bytes, path);
        if (image is null || image.Data is null || image.Width != header.Width || image.Height != header.Height
            || image.Data.Length < (long)image.Width * image.Height * (int)image.Comp)
            throw Damaged(path, header, "the decoder returned no image of the declared size");
        return (image, header);
    }

    /// <summary>
    /// Writes <paramref name="image"/> as <paramref name="channels"/> planes (CHW, 0–255) into <paramref name="destination"/>,
    /// converting grey and colour and compositing transparency onto black.
    /// </summary>
    internal static void WritePixels(ImageResult image, int channels, Span<float> destination)
    {
        int plane = image.Width * image.Height, comp = (int)image.Comp;
        byte[] data = image.Data;
        bool colour = comp >= 3, alpha = comp is 2 or 4;
        for (int p = 0; p < plane; p++)
        {
            int at = p * comp;
            double a = alpha ? data[at + comp - 1] : 255;
            if (channels == 1)
            {
                double luma = colour ? 0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2] : data[at];
                destination[p] = alpha ? (float)(luma * a / 255.0) : (float)luma;
            }
            else
                for (int c = 0; c < 3; c++)
                {
                    double v = data[at + (colour ? c : 0)];
                    destination[c * plane + p] = alpha ? (float)(v * a / 255.0) : (float)v;
                }
        }
    }

    private static SafeFileHandle Open(string path)
    {
        try
        {
            // A pipe or device reports no length; opening a pipe would wait for a writer, so it is refused unopened.
            var info = new FileInfo(path);
            if (info.Exists && info.Length == 0)
                throw new DataFormatException(path, "it is empty (0 bytes) or not a regular file (a pipe or device), not a PNG, JPEG or BMP image.");
            return File.OpenHandle(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataNotFoundException($"Image '{path}' does not exist.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Unreadable(path, e);
        }
        catch (IOException e)
        {
            throw Unreadable(path, e);
        }
    }

    /// <summary>The error for a file that exists but cannot be read (permissions, a device error).</summary>
    internal static DataFormatException Unreadable(string path, Exception e) =>
        new(path, $"it cannot be read ({e.Message.TrimEnd('.')}). Check its permissions (chmod a+r) or remove it.", e);

    private static long Length(SafeFileHandle file, string path)
    {
        long length = RandomAccess.GetLength(file);
        if (length == 0) throw new DataFormatException(path, "it is empty (0 bytes), not a PNG, JPEG or BMP image.");
        return length;
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset, string path)
    {
        try
        {
            while (destination.Length > 0)
            {
                int n = RandomAccess.Read(file, destination, offset);
                if (n <= 0) throw new DataFormatException(path, "it became shorter while it was read; was it being written?");
                destination = destination[n..];
                offset += n;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e);
        }
    }

    private static ImageHeader CheckedHeader(ReadOnlySpan<byte> head, SafeFileHandle? file, long length, string path)
    {
        ImageHeader header = ImageHeaderReader.Parse(head, file, length, out string problem)
            ?? throw new DataFormatException(path, problem + ".");
        if (header.Pixels > MaxPixels)
            throw new DataFormatException(path,
                $"it declares {header.Width}×{header.Height} pixels, more than the {MaxPixels / 1_000_000} megapixels accepted. Shrink it first.");
        return header;
    }

    private static ImageResult? Run(byte[] bytes, string path)
    {
        try
        {
            return ImageResult.FromMemory(bytes, ColorComponents.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DataFormatException(path, $"it cannot be decoded ({e.Message.TrimEnd('.')}): the file is damaged or truncated.", e);
        }
    }

    // On a worker thread with a time limit: a decoder that does not finish is left behind and the file counts as damaged.
    private static ImageResult? WithTimeout(byte[] bytes, string path)
    {
        ImageResult? result = DecodeWorkers.Run(() => Run(bytes, path), DecodeTimeout, out bool timedOut);
        if (timedOut)
            throw new DataFormatException(path, $"the decoder did not finish within {DecodeTimeout.TotalSeconds:F0} s; the file is probably damaged or truncated.");
        return result;
    }

    private static DataFormatException Damaged(string path, ImageHeader header, string what) =>
        new(path, $"it is a {header.Format.ToString().ToUpperInvariant()} image of {header.Width}×{header.Height} pixels that cannot be decoded ({what}): the file is damaged or truncated.");
}
