namespace ScratchNet.Onnx;

/// <summary>An ONNX file that cannot be read or mapped to ScratchNet layers; the message names the node, tensor or field and why.</summary>
public sealed class OnnxImportException(string message) : Exception(message);
