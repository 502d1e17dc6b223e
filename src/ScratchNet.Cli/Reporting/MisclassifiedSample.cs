namespace ScratchNet.Cli.Reporting;

/// <summary>One test image the network got wrong, kept for the report's gallery.</summary>
/// <param name="Index">The image's position in the test set.</param>
/// <param name="Pixels">The raw grey image, rows × columns (<c>[y, x]</c>), values 0 (black) to 255 (white).</param>
/// <param name="TrueClass">The label's class index.</param>
/// <param name="PredictedClass">The class index the network chose (its largest output).</param>
/// <param name="Probability">The network's probability for <paramref name="PredictedClass"/>, in [0, 1].</param>
public sealed record MisclassifiedSample(int Index, byte[,] Pixels, int TrueClass, int PredictedClass, double Probability);
