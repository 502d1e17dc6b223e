namespace ScratchNet.Data;

/// <summary>The image file formats <see cref="ImageDecoder"/> reads.</summary>
public enum ImageFormat
{
    /// <summary>PNG (any bit depth and colour type).</summary>
    Png,

    /// <summary>JPEG (baseline or progressive; grey or colour).</summary>
    Jpeg,

    /// <summary>Windows BMP.</summary>
    Bmp,
}

/// <summary>What the first bytes of an image file declare, read without decoding the image.</summary>
/// <param name="Format">The format, from the file's signature (not its name).</param>
/// <param name="Width">The declared width in pixels.</param>
/// <param name="Height">The declared height in pixels.</param>
/// <param name="IsColour">
/// Whether the file stores colour: a PNG of colour type RGB, RGBA or palette, a JPEG of three or four components,
/// and every BMP (its palette is not inspected). Grey PNGs (with or without alpha) and one-component JPEGs are grey.
/// </param>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height, bool IsColour)
{
    /// <summary>The number of pixels declared, width × height.</summary>
    public long Pixels => (long)Width * Height;

    /// <summary>The channels the image has when read as it is stored: 3 for colour, 1 for grey.</summary>
    public int Channels => IsColour ? 3 : 1;
}
