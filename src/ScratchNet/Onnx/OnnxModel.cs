using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// An ONNX ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8
/// (OperatorSetIdProto: domain = 1, version = 2), metadata_props = 14 (StringStringEntryProto: key = 1, value = 2).
/// </summary>
internal sealed class OnnxModel(OnnxGraph graph)
{
    /// <summary>IR version 8 (ONNX 1.10 and later), which every runtime with opset 17 reads.</summary>
    public const int IrVersion = 8;

    /// <summary>The default-domain operator set the nodes follow.</summary>
    public const int Opset = 17;

    /// <summary>The graph.</summary>
    public OnnxGraph Graph { get; } = graph;

    /// <summary>Key-value metadata, such as the class names.</summary>
    public List<KeyValuePair<string, string>> Metadata { get; } = [];

    /// <summary>The default domain's operator set a read model declares (0 when it declares none).</summary>
    public long ReadOpset { get; private init; }

    /// <summary>Writes the model to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        using var output = new CodedOutputStream(stream, leaveOpen: true);
        ProtoFields.WriteInt64(output, 1, IrVersion);
        ProtoFields.WriteString(output, 2, "ScratchNet");
        ProtoFields.WriteString(output, 3, typeof(OnnxModel).Assembly.GetName().Version?.ToString() ?? "");
        ProtoFields.WriteMessage(output, 7, Graph.WriteTo);
        ProtoFields.WriteMessage(output, 8, opset =>
        {
            ProtoFields.WriteString(opset, 1, "");
            ProtoFields.WriteInt64(opset, 2, Opset);
        });
        foreach (var (key, value) in Metadata)
            ProtoFields.WriteMessage(output, 14, entry =>
            {
                ProtoFields.WriteString(entry, 1, key);
                ProtoFields.WriteString(entry, 2, value);
            });
        output.Flush();
    }

    /// <summary>Reads a ModelProto from <paramref name="bytes"/>; anything malformed is an <see cref="OnnxImportException"/>.</summary>
    public static OnnxModel Read(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoReader(bytes, "model");
        OnnxGraph? graph = null;
        long opset = 0;
        var metadata = new List<KeyValuePair<string, string>>();
        while (reader.Next())
            switch (reader.Field)
            {
                case 7: graph = OnnxGraph.Read(reader.Message("graph")); break;
                case 8:
                {
                    string domain = "";
                    long version = 0;
                    for (var entry = reader.Message("opset_import"); entry.Next();)
                        if (entry.Field == 1) domain = entry.String;
                        else if (entry.Field == 2) version = entry.Int64;
                    if (domain is "" or "ai.onnx") opset = version;
                    break;
                }
                case 14:
                {
                    string key = "", value = "";
                    for (var entry = reader.Message("metadata_props"); entry.Next();)
                        if (entry.Field == 1) key = entry.String;
                        else if (entry.Field == 2) value = entry.String;
                    metadata.Add(new(key, value));
                    break;
                }
            }
        if (graph is null) throw new OnnxImportException("the file is not an ONNX model: it has no graph (a ModelProto keeps it in field 7).");
        var model = new OnnxModel(graph) { ReadOpset = opset };
        model.Metadata.AddRange(metadata);
        return model;
    }
}
