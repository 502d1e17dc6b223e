namespace ScratchNet.Data;

/// <summary>
/// Converts a decoded image (CHW floats) to the channels and size a source delivers: colour to grey by the BT.601 luma
/// that <see cref="ImageDecoder"/> uses, grey to colour by repetition, then <see cref="ImageResizer"/> when the size differs.
/// </summary>
internal static class ImageConversion
{
    /// <summary>Converts <paramref name="source"/> <c>[sourceShape]</c> into <paramref name="destination"/> <c>[shape]</c>, both CHW.</summary>
    public static void Convert(ReadOnlySpan<float> source, int sourceChannels, int sourceHeight, int sourceWidth,
                               Span<float> destination, IReadOnlyList<int> shape)
    {
        int channels = shape[0], height = shape[1], width = shape[2], plane = sourceHeight * sourceWidth;
        bool sameSize = height == sourceHeight && width == sourceWidth;
        if (channels == sourceChannels && sameSize)
        {
            source.CopyTo(destination);
            return;
        }
        float[]? converted = null;
        ReadOnlySpan<float> planes = source;
        if (channels != sourceChannels)
        {
            // Straight into the destination when no resize follows.
            Span<float> target = sameSize ? destination : (converted = new float[channels * plane]);
            if (channels == 1)
                for (int p = 0; p < plane; p++)
                    target[p] = (float)(0.299 * source[p] + 0.587 * source[plane + p] + 0.114 * source[2 * plane + p]);
            else
                for (int c = 0; c < channels; c++) source[..plane].CopyTo(target.Slice(c * plane, plane));
            if (sameSize) return;
            planes = converted;
        }
        ImageResizer.Resize(planes, channels, sourceHeight, sourceWidth, destination, height, width);
    }

    /// <summary>The shape a source delivers: the stored one, with the channels and size the options force.</summary>
    public static int[] TargetShape(int storedChannels, int storedHeight, int storedWidth, DataSourceOptions options) =>
        [options.Channels ?? storedChannels, options.ImageSize?.Height ?? storedHeight, options.ImageSize?.Width ?? storedWidth];
}
