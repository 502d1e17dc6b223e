namespace ScratchNet.Onnx;

/// <summary>What <see cref="OnnxImporter"/> needs beyond the file, when the file does not say it.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>The shape of one input image, C, H, W: required when the file leaves a size symbolic; must agree with the file otherwise.</summary>
    public int[]? InputShape { get; init; }

    /// <summary>The class names by output index; they replace those in the file's metadata (<see cref="OnnxExporter.ClassNamesKey"/>).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Whether a ScratchNet architecture in the file's metadata (written by <see cref="OnnxExporter"/>) may restore what ONNX
    /// does not keep — dropout, block nesting, padding names — once its outputs are checked to equal the graph's (default).
    /// Off: the layers are exactly those the graph's nodes give.
    /// </summary>
    public bool UseScratchNetArchitecture { get; init; } = true;
}
