using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>An ONNX GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.</summary>
internal sealed class OnnxGraph(string name)
{
    /// <summary>The graph's name.</summary>
    public string Name { get; } = name;

    /// <summary>The nodes, in an order where every input is produced before it is used.</summary>
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>The constant tensors (weights, biases, normalisation statistics).</summary>
    public List<OnnxTensor> Initializers { get; } = [];

    /// <summary>The graph inputs.</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];

    /// <summary>The graph outputs.</summary>
    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        foreach (OnnxNode node in Nodes) ProtoFields.WriteMessage(output, 1, node.WriteTo);
        ProtoFields.WriteString(output, 2, Name);
        foreach (OnnxTensor tensor in Initializers) ProtoFields.WriteMessage(output, 5, tensor.WriteTo);
        foreach (OnnxValueInfo input in Inputs) ProtoFields.WriteMessage(output, 11, input.WriteTo);
        foreach (OnnxValueInfo o in Outputs) ProtoFields.WriteMessage(output, 12, o.WriteTo);
    }
}
