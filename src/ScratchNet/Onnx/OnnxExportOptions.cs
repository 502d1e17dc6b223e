namespace ScratchNet.Onnx;

/// <summary>What <see cref="OnnxExporter"/> puts into the graph besides the layers.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// Whether the model's standardisation (Sub mean, Div std per channel) is the graph's first step, so that it takes
    /// raw 0–255 pixels as <c>predict</c> reads them (default). Off: the graph takes standardised input, as
    /// <see cref="Training.NeuralNetwork.Forward"/> does.
    /// </summary>
    public bool IncludeNormalization { get; init; } = true;

    /// <summary>Whether a Softmax ends the graph, so its output is class probabilities ("probabilities") instead of logits ("logits").</summary>
    public bool Probabilities { get; init; }
}
