using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// An ONNX AttributeProto of one of the kinds export needs: name = 1, f = 2, i = 3, ints = 8, type = 20
/// (FLOAT = 1, INT = 2, INTS = 7).
/// </summary>
internal sealed class OnnxAttribute
{
    private const int FloatType = 1, IntType = 2, IntsType = 7;
    private readonly float _float;
    private readonly long _int;
    private readonly long[]? _ints;
    private readonly int _type;

    private OnnxAttribute(string name, int type, float f = 0, long i = 0, long[]? ints = null) =>
        (Name, _type, _float, _int, _ints) = (name, type, f, i, ints);

    /// <summary>The attribute's name, such as "strides".</summary>
    public string Name { get; }

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, FloatType, f: value);

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, IntType, i: value);

    /// <summary>A list of integers.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, IntsType, ints: values);

    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteString(output, 1, Name);
        switch (_type)
        {
            case FloatType: ProtoFields.WriteFloat(output, 2, _float); break;
            case IntType: ProtoFields.WriteInt64(output, 3, _int); break;
            default: foreach (long v in _ints!) ProtoFields.WriteInt64(output, 8, v); break;
        }
        ProtoFields.WriteInt64(output, 20, _type);
    }
}
