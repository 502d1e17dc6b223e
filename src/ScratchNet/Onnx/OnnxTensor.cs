using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// An ONNX TensorProto holding float32 values (an initializer): dims = 1, data_type = 2 (FLOAT = 1), name = 8,
/// raw_data = 9 (little-endian, as the specification requires).
/// </summary>
internal sealed class OnnxTensor(string name, int[] dims, float[] values)
{
    private const int FloatType = 1;

    /// <summary>The initializer's name, which nodes use as an input.</summary>
    public string Name { get; } = name;

    /// <summary>The shape.</summary>
    public int[] Dims { get; } = dims;

    /// <summary>The values, row-major.</summary>
    public float[] Values { get; } = values;

    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        foreach (int d in Dims) ProtoFields.WriteInt64(output, 1, d);
        ProtoFields.WriteInt64(output, 2, FloatType);
        ProtoFields.WriteString(output, 8, Name);
        ProtoFields.WriteBytes(output, 9, LittleEndian(Values));
    }

    private static byte[] LittleEndian(float[] values)
    {
        byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }
}
