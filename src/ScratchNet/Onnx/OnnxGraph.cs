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

    /// <summary>Reads a GraphProto (the node order is not trusted: <see cref="OnnxGraphIndex"/> checks it).</summary>
    public static OnnxGraph Read(ProtoReader reader)
    {
        var fields = new List<(int Field, ReadOnlyMemory<byte> Bytes)>();
        string name = "";
        while (reader.Next())
            if (reader.Field == 2) name = reader.String;
            else if (reader.Field is 1 or 5 or 11 or 12) fields.Add((reader.Field, reader.Bytes));
        var graph = new OnnxGraph(name);
        foreach (var (field, bytes) in fields)
            switch (field)
            {
                case 1: graph.Nodes.Add(OnnxNode.Read(new ProtoReader(bytes, $"node {graph.Nodes.Count}"))); break;
                case 5: graph.Initializers.Add(OnnxTensor.Read(new ProtoReader(bytes, $"initializer {graph.Initializers.Count}"))); break;
                case 11: graph.Inputs.Add(OnnxValueInfo.Read(new ProtoReader(bytes, "graph input"))); break;
                default: graph.Outputs.Add(OnnxValueInfo.Read(new ProtoReader(bytes, "graph output"))); break;
            }
        return graph;
    }
}
