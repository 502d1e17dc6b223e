using System.Buffers.Binary;
using System.Text;

namespace ScratchNet.Onnx;

/// <summary>
/// Reads protobuf fields by number from bytes that may be hostile: every length is checked against the bytes that are
/// left before anything is read or allocated, so a truncated file or a declared length of 2 GB is a clear
/// <see cref="OnnxImportException"/>, never an exception from deep inside a decoder. Unknown fields are skipped, as
/// protobuf requires. Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (3 and 4, groups, are refused).
/// </summary>
internal sealed class ProtoReader(ReadOnlyMemory<byte> bytes, string message)
{
    private int _position;

    /// <summary>The field just read: its number and wire type.</summary>
    public int Field { get; private set; }

    /// <summary>The wire type of <see cref="Field"/>.</summary>
    public int WireType { get; private set; }

    private bool AtEnd => _position >= bytes.Length;

    private ulong _varint;
    private ReadOnlyMemory<byte> _payload;

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_position >= bytes.Length) return false;
        ulong tag = ReadVarint();
        Field = (int)Math.Min(tag >> 3, int.MaxValue);
        WireType = (int)(tag & 7);
        if (Field == 0) throw Bad("a field number 0");
        switch (WireType)
        {
            case 0: _varint = ReadVarint(); break;
            case 1: _payload = Take(8); break;
            case 2:
                ulong length = ReadVarint();
                if (length > (ulong)(bytes.Length - _position))
                    throw Bad($"field {Field} declaring {length:N0} bytes where only {bytes.Length - _position:N0} are left (the file is truncated or damaged)");
                _payload = Take((int)length);
                break;
            case 5: _payload = Take(4); break;
            default: throw Bad($"field {Field} of wire type {WireType}, which ONNX does not use");
        }
        return true;
    }

    /// <summary>The field as an integer (a varint).</summary>
    public long Int64 => WireType == 0 ? (long)_varint : throw Bad($"field {Field} is not an integer");

    /// <summary>The field as a float (fixed32).</summary>
    public float Float => WireType == 5 ? BinaryPrimitives.ReadSingleLittleEndian(_payload.Span) : throw Bad($"field {Field} is not a float");

    /// <summary>The field's bytes (length-delimited).</summary>
    public ReadOnlyMemory<byte> Bytes => WireType == 2 ? _payload : throw Bad($"field {Field} is not a length-delimited field");

    /// <summary>The field as UTF-8 text.</summary>
    public string String => Encoding.UTF8.GetString(Bytes.Span);

    /// <summary>A reader of the embedded message in this field.</summary>
    public ProtoReader Message(string name) => new(Bytes, name);

    /// <summary>A repeated integer field, packed (one length-delimited run of varints) or not; appends to <paramref name="values"/>.</summary>
    public void AddInt64s(List<long> values)
    {
        if (WireType == 0) { values.Add(Int64); return; }
        var packed = new ProtoReader(Bytes, message);
        while (!packed.AtEnd) values.Add((long)packed.ReadVarint());
    }

    /// <summary>A repeated float field, packed (a run of little-endian fixed32 values) or not; appends to <paramref name="values"/>.</summary>
    public void AddFloats(List<float> values)
    {
        if (WireType == 5) { values.Add(Float); return; }
        ReadOnlySpan<byte> run = Bytes.Span;
        if (run.Length % 4 != 0) throw Bad($"field {Field} holds {run.Length} bytes of packed floats, not a multiple of 4");
        for (int i = 0; i < run.Length; i += 4) values.Add(BinaryPrimitives.ReadSingleLittleEndian(run[i..]));
    }

    /// <summary>A repeated double field, packed or not, appended as floats to <paramref name="values"/>.</summary>
    public void AddDoubles(List<float> values)
    {
        ReadOnlySpan<byte> run = WireType == 1 ? _payload.Span : Bytes.Span;
        if (run.Length % 8 != 0) throw Bad($"field {Field} holds {run.Length} bytes of packed doubles, not a multiple of 8");
        for (int i = 0; i < run.Length; i += 8) values.Add((float)BinaryPrimitives.ReadDoubleLittleEndian(run[i..]));
    }

    /// <summary>The error for a malformed message: where, and what was found.</summary>
    public OnnxImportException Bad(string what) =>
        new($"the file is not a valid ONNX model: its {message} has {what}.");

    private ulong ReadVarint()
    {
        ulong value = 0;
        ReadOnlySpan<byte> span = bytes.Span;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= span.Length) throw Bad("a number cut off at the end (the file is truncated)");
            byte b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Bad("a number longer than 10 bytes");
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        if (count > bytes.Length - _position) throw Bad($"field {Field} cut off at the end (the file is truncated)");
        ReadOnlyMemory<byte> result = bytes.Slice(_position, count);
        _position += count;
        return result;
    }
}
