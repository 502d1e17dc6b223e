using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>An ONNX NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5 (default domain).</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
{
    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        foreach (string input in Inputs) ProtoFields.WriteString(output, 1, input);
        foreach (string o in Outputs) ProtoFields.WriteString(output, 2, o);
        ProtoFields.WriteString(output, 3, Name);
        ProtoFields.WriteString(output, 4, OpType);
        foreach (OnnxAttribute attribute in Attributes) ProtoFields.WriteMessage(output, 5, attribute.WriteTo);
    }
}
