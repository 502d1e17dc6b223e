using Google.Protobuf;

namespace ScratchNet.Onnx;

/// <summary>
/// Writes protobuf fields by number. The ONNX messages here are written by hand from the field numbers in the
/// ONNX specification's onnx.proto, not from generated code: export needs only a handful of messages, and hand
/// writing keeps the library free of a generated-code dependency and a build step.
/// </summary>
internal static class ProtoFields
{
    /// <summary>A varint field (int32, int64 or enum).</summary>
    public static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    /// <summary>A string field (UTF-8).</summary>
    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    /// <summary>A 32-bit float field.</summary>
    public static void WriteFloat(CodedOutputStream output, int field, float value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
    }

    /// <summary>A bytes field.</summary>
    public static void WriteBytes(CodedOutputStream output, int field, byte[] value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));   // no copy: the array is not changed afterwards
    }

    /// <summary>An embedded message: its body is written to a buffer first, as the length comes before it.</summary>
    public static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body) =>
        WriteBytes(output, field, Serialize(body));

    /// <summary>The bytes of a message whose fields <paramref name="body"/> writes.</summary>
    public static byte[] Serialize(Action<CodedOutputStream> body)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            body(output);
            output.Flush();
        }
        return buffer.ToArray();
    }
}
