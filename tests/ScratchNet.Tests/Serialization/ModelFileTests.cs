using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Tests.Serialization;

/// <summary>Model files: round trips, an independent reader, and every kind of damaged file.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static NeuralNetwork BuiltSeedCnn()
    {
        NeuralNetwork network = ModelPreset.SeedCnn.CreateNetwork(seed: 5);
        network.Build([1, 28, 28]);
        network.Normalization = new Standardizer(72.94f, 90.02f);
        network.ClassNames = IdxDatasetLoader.FashionMnistClassNames;
        // Make the bias non-zero so a lost bias would show.
        foreach (ref float b in network.Parameters[^1].Value.Span) b = 0.25f;
        return network;
    }

    [Fact]
    public void SaveThenLoad_PredictsExactlyTheSameLogits_AndKeepsNormalisationAndClassNames()
    {
        NeuralNetwork original = BuiltSeedCnn();
        original.Save(PathOf("m.safetensors"));

        NeuralNetwork loaded = NeuralNetwork.Load(PathOf("m.safetensors"));

        Tensor x = TestData.Uniform(9, 3, 1, 28, 28);
        TestData.AssertBitIdentical(original.Predict(x).Span, loaded.Predict(x).Span, "logits");
        Assert.Equal(original.Normalization, loaded.Normalization);
        Assert.Equal(original.ClassNames, loaded.ClassNames);
        Assert.Equal(125_850, loaded.ParameterCount);
    }

    [Fact]
    public void SaveLoadSave_IsByteIdentical()
    {
        BuiltSeedCnn().Save(PathOf("a.safetensors"));
        NeuralNetwork.Load(PathOf("a.safetensors")).Save(PathOf("b.safetensors"));
        Assert.Equal(File.ReadAllBytes(PathOf("a.safetensors")), File.ReadAllBytes(PathOf("b.safetensors")));
    }

    [Fact]
    public void EveryLayerType_SurvivesTheRoundTrip()
    {
        var network = new NeuralNetwork(
            [new Conv2D(4, 3, stride: 2, padding: Padding.Explicit(1, 2), activation: new ReLU(), kernelWidth: 2),
             new BatchNorm(momentum: 0.2f), new ActivationLayer(new GELU()),
             new MaxPool2D(2, padding: Padding.Same), new Conv2D(3, 2, padding: Padding.Valid, activation: new Sigmoid()),
             new AvgPool2D(2, 1), new GlobalAvgPool2D(), new Dense(5, new ELU(), bias: false), new Dropout(0.3f),
             new Dense(4, new LeakyReLU()), new BatchNorm(), new Dense(2)],
            new MeanSquaredError(), seed: 2);
        network.Build([2, 17, 13]);
        network.Forward(TestData.Uniform(11, 6, 2, 17, 13), training: true); // moves the running statistics away from 0 and 1
        network.Save(PathOf("all.safetensors"));

        NeuralNetwork loaded = NeuralNetwork.Load(PathOf("all.safetensors"));

        Assert.IsType<MeanSquaredError>(loaded.Loss);
        Assert.Equal(ModelSpec.Describe(network.Layers, network.Loss), ModelSpec.Describe(loaded.Layers, loaded.Loss));
        Assert.Equal(4, loaded.NamedBuffers().Count());
        Tensor x = TestData.Uniform(4, 2, 2, 17, 13);
        TestData.AssertBitIdentical(network.Predict(x).Span, loaded.Predict(x).Span, "outputs");
    }

    /// <summary>
    /// Reads the file with a parser written here from the format's definition alone (8-byte little-endian
    /// header length, JSON header, little-endian float32 data), as Python's safetensors package would.
    /// </summary>
    [Fact]
    public void IndependentReader_FindsPyTorchNamesShapesAndTheExactWeights()
    {
        NeuralNetwork network = BuiltSeedCnn();
        network.Save(PathOf("m.safetensors"));
        byte[] bytes = File.ReadAllBytes(PathOf("m.safetensors"));

        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        int dataStart = 8 + (int)headerLength;
        var expected = new Dictionary<string, (int[] Shape, Parameter P)>
        {
            ["0.weight"] = ([16, 1, 5, 5], network.Parameters[0]),
            ["1.weight"] = ([10, 12544], network.Parameters[1]),
            ["1.bias"] = ([10], network.Parameters[2]),
        };
        Assert.Equal(expected.Keys.Order(), header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").Order());
        foreach (var (name, (shape, parameter)) in expected)
        {
            JsonElement entry = header.RootElement.GetProperty(name);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            long begin = entry.GetProperty("data_offsets")[0].GetInt64(), end = entry.GetProperty("data_offsets")[1].GetInt64();
            float[] values = new float[(end - begin) / 4];
            for (int i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + (int)begin + 4 * i));
            TestData.AssertBitIdentical(parameter.Value.Span, values, name);
        }
        JsonElement metadata = header.RootElement.GetProperty("__metadata__");
        Assert.Equal(ModelFile.Format, metadata.GetProperty("format").GetString());
        Assert.Contains("conv2d", metadata.GetProperty("architecture").GetString());
        Assert.Equal("[1,28,28]", metadata.GetProperty("input_shape").GetString());
    }

    [Fact]
    public void Save_ReplacesAnOldFileAtomically_AndLeavesNoTemporaryFile()
    {
        File.WriteAllText(PathOf("m.safetensors"), "old");
        BuiltSeedCnn().Save(PathOf("m.safetensors"));
        NeuralNetwork.Load(PathOf("m.safetensors"));
        Assert.Single(Directory.GetFiles(_folder));
    }

    private static byte[] FileWithHeader(string headerJson, int dataBytes)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        byte[] bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    public static TheoryData<string, string> DamagedFiles => new()
    {
        { "empty", "too short" },
        { "truncated", "truncated" },
        { "header-beyond-file", "header claims" },
        { "malformed-json", "not valid UTF-8 JSON" },
        { "offsets-out-of-range", "truncated" },
        { "overlapping", "overlaps" },
        { "unknown-dtype", "dtype 'F16'" },
        { "wrong-byte-count", "needs 16 bytes" },
        { "not-a-model", "no 'format' entry" },
        { "unknown-layer", "$.layers[0].type: unknown layer type 'capsule'" },
        { "wrong-shape", "'1.weight' has shape [10, 100], expected [10, 12544]" },
        { "missing-tensor", "missing '1.bias'" },
        { "unexpected-tensor", "unexpected 'extra'" },
        { "newer-version", "format version '99'" },
        { "nan-weights", "NaN" },
    };

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void Load_DamagedFile_ThrowsModelFileExceptionNamingTheFileAndTheProblem(string damage, string expected)
    {
        string path = PathOf(damage + ".safetensors");
        Write(damage, path);

        var e = Assert.Throws<ModelFileException>(() => NeuralNetwork.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    private void Write(string damage, string path)
    {
        NeuralNetwork good = BuiltSeedCnn();
        good.Save(PathOf("good.safetensors"));
        byte[] valid = File.ReadAllBytes(PathOf("good.safetensors"));
        var (metadata, tensors) = SafeTensors.Read(PathOf("good.safetensors"));
        var meta = new Dictionary<string, string>(metadata);
        var list = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value)).ToList();
        void Save(IReadOnlyList<(string, Tensor)> ts, IReadOnlyDictionary<string, string> m)
        {
            using var stream = File.Create(path);
            SafeTensors.Write(stream, ts, m);
        }
        switch (damage)
        {
            case "empty": File.WriteAllBytes(path, []); break;
            case "truncated": File.WriteAllBytes(path, valid[..(valid.Length - 100)]); break;
            case "header-beyond-file":
                byte[] b = (byte[])valid.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(b, 1UL << 40);
                File.WriteAllBytes(path, b);
                break;
            case "malformed-json": File.WriteAllBytes(path, FileWithHeader("{\"a\": [1, 2", 0)); break;
            case "offsets-out-of-range": File.WriteAllBytes(path, FileWithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8)); break;
            case "overlapping":
                File.WriteAllBytes(path, FileWithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24));
                break;
            case "unknown-dtype": File.WriteAllBytes(path, FileWithHeader("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8)); break;
            case "wrong-byte-count": File.WriteAllBytes(path, FileWithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", 12)); break;
            case "not-a-model": Save(list, new Dictionary<string, string>()); break;
            case "unknown-layer":
                meta["architecture"] = "{\"layers\":[{\"type\":\"capsule\"}]}";
                Save(list, meta);
                break;
            case "wrong-shape":
                list[list.FindIndex(t => t.Key == "1.weight")] = ("1.weight", new Tensor(10, 100));
                Save(list, meta);
                break;
            case "missing-tensor": Save(list.Where(t => t.Key != "1.bias").ToList(), meta); break;
            case "unexpected-tensor": Save([.. list, ("extra", new Tensor(2))], meta); break;
            case "newer-version":
                meta["format_version"] = "99";
                Save(list, meta);
                break;
            case "nan-weights":
                list[0].Value[3] = float.NaN;
                Save(list, meta);
                break;
            default: throw new ArgumentException(damage);
        }
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var e = Assert.Throws<ModelFileException>(() => NeuralNetwork.Load(PathOf("nope.safetensors")));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Save_UnbuiltNetwork_Throws()
    {
        NeuralNetwork network = ModelPreset.SeedCnn.CreateNetwork();
        Assert.Throws<InvalidOperationException>(() => network.Save(PathOf("x.safetensors")));
    }
}
