using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace ScratchNet.Tests.Properties;

/// <summary>
/// Seeded damage for the command property test: hostile option values, JSON mutations (any node replaced by a
/// hostile value or removed), and model files damaged in their bytes, their JSON header or the JSON inside its metadata.
/// </summary>
internal static class HostileInputs
{
    /// <summary>Whole numbers and things that are not: zero, negatives, the int extremes, overflowing and unparsable text.</summary>
    public static readonly string[] Integers = ["0", "-1", "1", "2", "65536", "2147483647", "-2147483648", "99999999999", "", "x", "1.5"];

    /// <summary>Numbers for rates: zero, negatives, extremes, NaN and infinity, unparsable text.</summary>
    public static readonly string[] Numbers = ["0", "-1", "0.5", "1", "1e30", "1e-30", "NaN", "Infinity", "-Infinity", "", "x"];

    /// <summary>Names of presets, optimizers and the like: empty, unknown, other case.</summary>
    public static readonly string[] Names = ["", " ", "x", "MLP", "seed-cnn", "adam", "cosine", "he", "../../etc/passwd"];

    /// <summary>Input shapes: zero, negative, too few, unparsable, absurdly large.</summary>
    public static readonly string[] Shapes = ["", "1,28,28", "0,1,1", "-1,2,2", "1,2", "a,b,c", "1,65536,65536", "1,4096,4096", "2147483647,1,1", "3,64,64", "1x8x8"];

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A JSON value to put in place of any node.</summary>
    public static JsonNode? Value(Random random) => random.Next(20) switch
    {
        16 or 17 or 18 => random.Pick(Integers), // numbers as text: metadata and settings hold strings
        0 => 0,
        1 => -1,
        2 => 1,
        3 => 3,
        4 => int.MaxValue,
        5 => int.MinValue,
        6 => 1e30,
        7 => 2.5,
        8 => "x",
        9 => "",
        10 => null,
        11 => true,
        12 => new JsonArray(),
        13 => new JsonObject(),
        14 => new JsonArray(1, 2),
        _ => new JsonArray(1 << 20, 1 << 20, 1 << 20),
    };

    /// <summary><paramref name="json"/> with one node replaced by a hostile value or removed, or cut short.</summary>
    public static string MutateJson(string json, Random random)
    {
        if (random.Next(10) == 0) return json[..random.Next(json.Length)];
        JsonNode root = JsonNode.Parse(json)!;
        var places = new List<(JsonNode Parent, object Key)>();
        Collect(root, places);
        if (places.Count == 0) return Value(random)?.ToJsonString() ?? "null";
        var (parent, key) = random.Pick(places);
        bool remove = random.Next(5) == 0;
        if (parent is JsonObject o && key is string name)
        {
            if (remove) o.Remove(name);
            else o[name] = Value(random);
        }
        else if (parent is JsonArray a && key is int index)
        {
            if (remove) a.RemoveAt(index);
            else a[index] = Value(random);
        }
        return root.ToJsonString();
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> places)
    {
        if (node is JsonObject o)
            foreach (var (key, child) in o.ToList())
            {
                places.Add((o, key));
                if (child is not null) Collect(child, places);
            }
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++)
            {
                places.Add((a, i));
                if (a[i] is { } child) Collect(child, places);
            }
    }

    /// <summary>
    /// A safetensors file (model or checkpoint) damaged in one of four ways: bytes overwritten, cut short, a node of
    /// the JSON header mutated (shapes, dtypes, offsets), or a metadata value mutated (inside its own JSON when it holds some).
    /// </summary>
    public static byte[] MutateSafeTensors(byte[] file, Random random)
    {
        switch (random.Next(5))
        {
            case 0:
                byte[] flipped = file.ToArray();
                for (int i = random.Next(1, 5); i > 0; i--) flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                return flipped;
            case 1:
                return file[..random.Next(file.Length)];
        }
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        string header = Encoding.UTF8.GetString(file, 8, headerLength).TrimEnd();
        byte[] data = file[(8 + headerLength)..];
        var root = JsonNode.Parse(header)!.AsObject();
        if (random.Next(5) < 2 || root["__metadata__"] is not JsonObject metadata)
        {
            header = MutateJson(header, random);
        }
        else
        {
            string key = random.Pick(metadata.Select(p => p.Key).ToList());
            string value = metadata[key]!.GetValue<string>();
            metadata[key] = random.Next(4) == 0 ? Value(random)
                : value.TrimStart().StartsWith('[') || value.TrimStart().StartsWith('{') ? MutateJson(value, random)
                : random.Pick(Integers);
            header = root.ToJsonString();
        }
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        result.AsSpan(8, padded).Fill((byte)' ');
        headerBytes.CopyTo(result, 8);
        data.CopyTo(result, 8 + padded);
        return result;
    }

    /// <summary>An IDX file damaged: bytes overwritten, cut short, a header dimension replaced, or gzipped.</summary>
    public static byte[] MutateIdx(byte[] file, Random random) => random.Next(4) switch
    {
        0 => file.Select((b, i) => random.Next(file.Length) < 3 ? (byte)random.Next(256) : b).ToArray(),
        1 => file[..random.Next(file.Length)],
        2 => WithDimension(file, random),
        _ => Data.IdxBytes.Gzip(random.Next(2) == 0 ? file : file[..random.Next(file.Length)]),
    };

    private static byte[] WithDimension(byte[] file, Random random)
    {
        byte[] copy = file.ToArray();
        int rank = copy[3];
        int[] values = [0, -1, 1, 2, 10, 28, 65536, int.MaxValue];
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(4 + 4 * random.Next(rank)), random.Pick(values));
        return copy;
    }
}
