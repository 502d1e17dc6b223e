namespace ScratchNet.Onnx;

/// <summary>A network that cannot be written as ONNX; the message names the layer or operation and why.</summary>
public sealed class OnnxExportException(string message) : Exception(message);
