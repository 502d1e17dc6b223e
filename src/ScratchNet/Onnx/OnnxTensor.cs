using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// An ONNX TensorProto (an initializer, or a Constant node's value): dims = 1, data_type = 2 (FLOAT = 1, INT64 = 7, DOUBLE = 11),
/// float_data = 4, int64_data = 7, name = 8, raw_data = 9, double_data = 10 (little-endian, as the specification requires),
/// data_location = 14 (EXTERNAL = 1). Export writes float32 only; import also reads int64 (Reshape's shape) and double
/// (some exporters' scalar constants), kept as float32.
/// </summary>
internal sealed class OnnxTensor
{
    private const int FloatType = 1, Int64Type = 7, DoubleType = 11;

    /// <summary>A float32 tensor.</summary>
    public OnnxTensor(string name, int[] dims, float[] values) => (Name, Dims, Values) = (name, dims, values);

    private OnnxTensor(string name, int[] dims, long[] integers) => (Name, Dims, Values, Integers) = (name, dims, [], integers);

    /// <summary>An int64 tensor.</summary>
    public static OnnxTensor Int64s(string name, int[] dims, long[] values) => new(name, dims, values);

    /// <summary>The initializer's name, which nodes use as an input.</summary>
    public string Name { get; }

    /// <summary>The shape.</summary>
    public int[] Dims { get; }

    /// <summary>The values, row-major (empty for an int64 tensor).</summary>
    public float[] Values { get; }

    /// <summary>The values of an int64 tensor (null for a float tensor).</summary>
    public long[]? Integers { get; }

    /// <summary>The number of values the dims declare.</summary>
    public int Count => Integers?.Length ?? Values.Length;

    /// <summary>Writes the message's fields.</summary>
    public void WriteTo(CodedOutputStream output)
    {
        foreach (int d in Dims) ProtoFields.WriteInt64(output, 1, d);
        ProtoFields.WriteInt64(output, 2, Integers is null ? FloatType : Int64Type);
        ProtoFields.WriteString(output, 8, Name);
        if (Integers is null) ProtoFields.WriteBytes(output, 9, LittleEndian(Values));
        else foreach (long v in Integers) ProtoFields.WriteInt64(output, 7, v);
    }

    /// <summary>Reads a TensorProto; its values must be float32 or int64, inside the file, and as many as its dims declare.</summary>
    public static OnnxTensor Read(ProtoReader reader)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var integers = new List<long>();
        long type = 0, location = 0;
        string name = "";
        ReadOnlyMemory<byte>? raw = null;
        while (reader.Next())
            switch (reader.Field)
            {
                case 1: reader.AddInt64s(dims); break;
                case 2: type = reader.Int64; break;
                case 4: reader.AddFloats(floats); break;
                case 7: reader.AddInt64s(integers); break;
                case 8: name = reader.String; break;
                case 9: raw = reader.Bytes; break;
                case 10: reader.AddDoubles(floats); break;
                case 14: location = reader.Int64; break;
            }
        string what = $"tensor '{name}'";
        if (location == 1)
            throw new OnnxImportException($"{what} is stored outside the .onnx file (external data); save the model with all its tensors inside the file.");
        if (type is not (FloatType or Int64Type or DoubleType))
            throw new OnnxImportException($"{what} has data type {type}; ScratchNet reads float32 (1) and double (11) values and int64 (7) shapes only.");
        if (dims.Any(d => d < 0 || d > int.MaxValue))
            throw new OnnxImportException($"{what} declares the dims [{string.Join(", ", dims)}]; a dimension must be 0 or more.");
        long count = 1;
        foreach (long d in dims) count = Math.Min(count * d, long.MaxValue / int.MaxValue);   // saturates instead of overflowing
        int size = type == FloatType ? 4 : 8;
        long found = raw is { } r ? r.Length / (long)size : type == Int64Type ? integers.Count : floats.Count;
        if (raw is { } rawBytes && rawBytes.Length % size != 0 || found != count)
            throw new OnnxImportException(
                $"{what} declares the dims [{string.Join(", ", dims)}], that is {count:N0} values ({count * size:N0} bytes), but holds " +
                (raw is { } b ? $"{b.Length:N0} bytes of raw_data" : $"{found:N0} values") + "; the file is damaged.");
        int[] shape = dims.Select(d => (int)d).ToArray();
        if (type == DoubleType)
            return new OnnxTensor(name, shape, raw is { } d
                ? [.. FromLittleEndian<double>(d.Span, BinaryPrimitives.ReadDoubleLittleEndian).Select(v => (float)v)] : [.. floats]);
        if (type == FloatType)
            return new OnnxTensor(name, shape, raw is { } f ? FromLittleEndian<float>(f.Span, BinaryPrimitives.ReadSingleLittleEndian) : [.. floats]);
        return new OnnxTensor(name, shape, raw is { } i ? FromLittleEndian<long>(i.Span, BinaryPrimitives.ReadInt64LittleEndian) : [.. integers]);
    }

    private static T[] FromLittleEndian<T>(ReadOnlySpan<byte> bytes, Func<ReadOnlySpan<byte>, T> read) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        var values = new T[bytes.Length / size];
        if (BitConverter.IsLittleEndian) bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else for (int i = 0; i < values.Length; i++) values[i] = read(bytes[(i * size)..]);
        return values;
    }

    private static byte[] LittleEndian(float[] values)
    {
        byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }
}
