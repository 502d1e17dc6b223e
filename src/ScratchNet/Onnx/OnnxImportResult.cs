using ScratchNet.Training;

namespace ScratchNet.Onnx;

/// <summary>An imported model, built, with its weights, normalisation and class names; and what the import decided on the way.</summary>
/// <param name="Network">The network (save it with <c>network.Save(path)</c>, from <c>ScratchNet.Serialization</c>).</param>
/// <param name="Notes">One line per decision a user should know of, e.g. a final Softmax left out.</param>
public sealed record OnnxImportResult(NeuralNetwork Network, IReadOnlyList<string> Notes);
