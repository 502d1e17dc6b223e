using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// An ONNX ValueInfoProto for a float32 tensor (a graph input or output): name = 1, type = 2; TypeProto.tensor_type = 1;
/// TypeProto.Tensor elem_type = 1 (FLOAT = 1), shape = 2; TensorShapeProto.dim = 1; Dimension dim_value = 1,
/// dim_param = 2. Export makes the first dimension the symbolic batch size "N", so any batch size runs.
/// </summary>
internal sealed record OnnxValueInfo(string Name, int[] SampleShape)
{
    /// <summary>The name of the symbolic batch dimension.</summary>
    public const string BatchDimension = "N";

    /// <summary>Read from a file: every dimension, batch included, −1 where it is symbolic or unknown; null when no shape is declared.</summary>
    public long[]? Dims { get; init; }

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

    /// <summary>Reads a ValueInfoProto: its name and, when declared, its tensor shape.</summary>
    public static OnnxValueInfo Read(ProtoReader reader)
    {
        string name = "";
        long[]? dims = null;
        while (reader.Next())
            if (reader.Field == 1) name = reader.String;
            else if (reader.Field == 2)
                for (var type = reader.Message("value type"); type.Next();)
                    if (type.Field == 1)
                        for (var tensor = type.Message("tensor type"); tensor.Next();)
                            if (tensor.Field == 2) dims = ReadShape(tensor.Message("tensor shape"));
        return new OnnxValueInfo(name, []) { Dims = dims };
    }

    private static long[] ReadShape(ProtoReader shape)
    {
        var dims = new List<long>();
        while (shape.Next())
        {
            if (shape.Field != 1) continue;
            long value = -1;
            for (var dim = shape.Message("shape dimension"); dim.Next();)
                if (dim.Field == 1) value = dim.Int64 > 0 ? dim.Int64 : -1;
            dims.Add(value);
        }
        return [.. dims];
    }
}
