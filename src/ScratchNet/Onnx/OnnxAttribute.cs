using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// An ONNX AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, ints = 8, type = 20 (FLOAT = 1, INT = 2, STRING = 3,
/// TENSOR = 4, INTS = 7). Export writes the float, int, ints and tensor kinds; import reads those and strings and tensors
/// (a Constant node's value) and ignores the rest.
/// </summary>
internal sealed class OnnxAttribute
{
    private const int FloatType = 1, IntType = 2, StringType = 3, TensorType = 4, IntsType = 7;
    private readonly int _type;

    private OnnxAttribute(string name, int type, float f = 0, long i = 0, long[]? ints = null, string? s = null, OnnxTensor? t = null) =>
        (Name, _type, FloatValue, IntValue, IntsValue, StringValue, TensorValue) = (name, type, f, i, ints, s, t);

    /// <summary>The attribute's name, such as "strides".</summary>
    public string Name { get; }

    /// <summary>The value of a float attribute.</summary>
    public float FloatValue { get; }

    /// <summary>The value of an int attribute.</summary>
    public long IntValue { get; }

    /// <summary>The values of an ints attribute (null for other kinds).</summary>
    public long[]? IntsValue { get; }

    /// <summary>The value of a string attribute (null for other kinds).</summary>
    public string? StringValue { get; }

    /// <summary>The value of a tensor attribute (null for other kinds).</summary>
    public OnnxTensor? TensorValue { get; }

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, FloatType, f: value);

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, IntType, i: value);

    /// <summary>A list of integers.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, IntsType, ints: values);

    /// <summary>A tensor (a Constant node's value).</summary>
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, TensorType, t: value);

    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteString(output, 1, Name);
        switch (_type)
        {
            case FloatType: ProtoFields.WriteFloat(output, 2, FloatValue); break;
            case IntType: ProtoFields.WriteInt64(output, 3, IntValue); break;
            case TensorType: ProtoFields.WriteMessage(output, 5, TensorValue!.WriteTo); break;
            default: foreach (long v in IntsValue!) ProtoFields.WriteInt64(output, 8, v); break;
        }
        ProtoFields.WriteInt64(output, 20, _type);
    }

    /// <summary>Reads an AttributeProto; the kind is taken from the field present when the type field is missing (older writers).</summary>
    public static OnnxAttribute Read(ProtoReader reader)
    {
        string name = "";
        float f = 0;
        long i = 0, type = 0;
        string? s = null;
        OnnxTensor? t = null;
        List<long>? ints = null;
        while (reader.Next())
            switch (reader.Field)
            {
                case 1: name = reader.String; break;
                case 2: f = reader.Float; type = type == 0 ? FloatType : type; break;
                case 3: i = reader.Int64; type = type == 0 ? IntType : type; break;
                case 4: s = reader.String; type = type == 0 ? StringType : type; break;
                case 5: t = OnnxTensor.Read(reader.Message("attribute tensor")); type = type == 0 ? TensorType : type; break;
                case 8: reader.AddInt64s(ints ??= []); type = type == 0 ? IntsType : type; break;
                case 20: type = reader.Int64; break;
            }
        return new OnnxAttribute(name, (int)Math.Clamp(type, 0, 100), f, i, ints?.ToArray() ?? (type == IntsType ? [] : null), s, t);
    }
}
