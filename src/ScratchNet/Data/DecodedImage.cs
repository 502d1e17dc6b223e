namespace ScratchNet.Data;

/// <summary>An image decoded by <see cref="ImageDecoder"/>.</summary>
/// <param name="Channels">1 (grey) or 3 (red, green, blue).</param>
/// <param name="Height">The height in pixels.</param>
/// <param name="Width">The width in pixels.</param>
/// <param name="Pixels">The values from 0 to 255, CHW <c>[channels, height, width]</c>.</param>
public sealed record DecodedImage(int Channels, int Height, int Width, float[] Pixels);
