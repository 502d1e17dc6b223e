using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// An ONNX ValueInfoProto for a float32 tensor (a graph input or output): name = 1, type = 2; TypeProto.tensor_type = 1;
/// TypeProto.Tensor elem_type = 1 (FLOAT = 1), shape = 2; TensorShapeProto.dim = 1; Dimension dim_value = 1,
/// dim_param = 2. The first dimension is the symbolic batch size "N", so any batch size runs.
/// </summary>
internal sealed record OnnxValueInfo(string Name, int[] SampleShape)
{
    /// <summary>The name of the symbolic batch dimension.</summary>
    public const string BatchDimension = "N";

    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteString(output, 1, Name);
        ProtoFields.WriteMessage(output, 2, type => ProtoFields.WriteMessage(type, 1, tensor =>
        {
            ProtoFields.WriteInt64(tensor, 1, 1);
            ProtoFields.WriteMessage(tensor, 2, shape =>
            {
                ProtoFields.WriteMessage(shape, 1, dim => ProtoFields.WriteString(dim, 2, BatchDimension));
                foreach (int d in SampleShape) ProtoFields.WriteMessage(shape, 1, dim => ProtoFields.WriteInt64(dim, 1, d));
            });
        }));
    }
}
