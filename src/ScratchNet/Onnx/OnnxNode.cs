using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>An ONNX NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7.</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
{
    /// <summary>The operator set's domain; "" (or "ai.onnx") is the default one.</summary>
    public string Domain { get; init; } = "";

    /// <summary>The node as messages name it: "'/conv1/Conv' (Conv)", or "the Conv node writing 'x'" when it has no name.</summary>
    public string Describe() => Name.Length > 0 ? $"{OpType} '{Name}'" : $"the {OpType} node writing '{Outputs.FirstOrDefault()}'";

    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        foreach (string input in Inputs) ProtoFields.WriteString(output, 1, input);
        foreach (string o in Outputs) ProtoFields.WriteString(output, 2, o);
        ProtoFields.WriteString(output, 3, Name);
        ProtoFields.WriteString(output, 4, OpType);
        foreach (OnnxAttribute attribute in Attributes) ProtoFields.WriteMessage(output, 5, attribute.WriteTo);
    }

    /// <summary>Reads a NodeProto.</summary>
    public static OnnxNode Read(ProtoReader reader)
    {
        List<string> inputs = [], outputs = [];
        List<OnnxAttribute> attributes = [];
        string name = "", opType = "", domain = "";
        while (reader.Next())
            switch (reader.Field)
            {
                case 1: inputs.Add(reader.String); break;
                case 2: outputs.Add(reader.String); break;
                case 3: name = reader.String; break;
                case 4: opType = reader.String; break;
                case 5: attributes.Add(OnnxAttribute.Read(reader.Message($"node '{name}' attribute"))); break;
                case 7: domain = reader.String; break;
            }
        return new OnnxNode(opType, name, [.. inputs], [.. outputs], [.. attributes]) { Domain = domain };
    }
}
