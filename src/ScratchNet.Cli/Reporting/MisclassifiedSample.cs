namespace ScratchNet.Cli.Reporting;

/// <summary>One test image the network got wrong, kept for the report's gallery.</summary>
/// <param name="Index">The image's position in the test set.</param>
/// <param name="Pixels">
/// The raw image, <c>[channel, y, x]</c>, values 0 to 255: one channel (grey, 0 black, 255 white) or three
/// (red, green, blue).
/// </param>
/// <param name="TrueClass">The label's class index.</param>
/// <param name="PredictedClass">The class index the network chose (its largest output).</param>
/// <param name="Probability">The network's probability for <paramref name="PredictedClass"/>, in [0, 1].</param>
public sealed record MisclassifiedSample(int Index, byte[,,] Pixels, int TrueClass, int PredictedClass, double Probability)
{
    /// <summary>A grey image, <paramref name="grey"/> being rows × columns (<c>[y, x]</c>).</summary>
    /// <param name="index">The image's position in the test set.</param>
    /// <param name="grey">The raw grey image, <c>[y, x]</c>, 0 (black) to 255 (white).</param>
    /// <param name="trueClass">The label's class index.</param>
    /// <param name="predictedClass">The class index the network chose.</param>
    /// <param name="probability">The network's probability for <paramref name="predictedClass"/>.</param>
    public MisclassifiedSample(int index, byte[,] grey, int trueClass, int predictedClass, double probability)
        : this(index, OneChannel(grey), trueClass, predictedClass, probability)
    {
    }

    /// <summary>1 (grey) or 3 (red, green, blue).</summary>
    public int Channels => Pixels.GetLength(0);

    /// <summary>Rows of the image.</summary>
    public int Height => Pixels.GetLength(1);

    /// <summary>Columns of the image.</summary>
    public int Width => Pixels.GetLength(2);

    private static byte[,,] OneChannel(byte[,] grey)
    {
        ArgumentNullException.ThrowIfNull(grey);
        var pixels = new byte[1, grey.GetLength(0), grey.GetLength(1)];
        Buffer.BlockCopy(grey, 0, pixels, 0, grey.Length);
        return pixels;
    }
}
