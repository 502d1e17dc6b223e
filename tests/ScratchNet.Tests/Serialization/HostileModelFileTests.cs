using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Operations;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;
using static ScratchNet.Tests.Serialization.HostileModelFiles;

namespace ScratchNet.Tests.Serialization;

/// <summary>
/// Model files that lie: architectures far larger than the tensors held, shapes that overflow, metadata that
/// cannot be used. Each is refused with a <see cref="ModelFileException"/> before anything large is allocated.
/// </summary>
public sealed class HostileModelFileTests : IDisposable
{
    private const long SmallAllocation = 16 << 20;
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-hostile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static ModelFileException Refused(string path, string expected)
    {
        var e = Assert.Throws<ModelFileException>(() => NeuralNetwork.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        return e;
    }

    [Fact]
    public void HugeLayerAgainstAFileWithoutWeights_IsRefusedBeforeAnyWeightIsAllocated()
    {
        string path = HugeDenseWithoutWeights(PathOf("huge.safetensors"));
        Assert.InRange(new FileInfo(path).Length, 1, 1024);

        long allocated = AllocatedBy(() => NeuralNetwork.Load(path));

        Refused(path, "missing '1.weight' [250000, 784]");
        Assert.True(allocated < SmallAllocation, $"loading allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData("[1,65536,65536]")]      // 2^32 values: the flatten size used to wrap to 0
    [InlineData("[4,16384,16384]")]      // 2^30 values, every dimension within bounds
    [InlineData("[1,28,28,1]")]          // rank 4
    [InlineData("[]")]
    [InlineData("[0,28,28]")]
    [InlineData("[1,-28,28]")]
    [InlineData("[1,70000,1]")]
    public void InputShapeOutsideTheLimits_IsRefused(string inputShape)
    {
        string path = Write(PathOf("shape.safetensors"), Metadata("{\"layers\":[{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":10}]}", inputShape), []);

        long allocated = AllocatedBy(() => NeuralNetwork.Load(path));

        Refused(path, inputShape.StartsWith("[1,-") ? "input_shape" : $"input_shape {inputShape.Replace(",", ", ")}");
        Assert.True(allocated < SmallAllocation, $"loading allocated {allocated:N0} bytes");
    }

    public static TheoryData<string, string> OverflowingArchitectures => new()
    {
        // Padding near 2^30 on both sides: the padded height (2^31 + 28) does not fit an int.
        { "{\"type\":\"conv2d\",\"filters\":1,\"kernel\":1,\"padding\":[1073741824,1073741824]}", "Conv2D" },
        { "{\"type\":\"maxpool2d\",\"pool\":1073741825,\"padding\":[1073741824,1073741824]}", "MaxPool2D" },
        { "{\"type\":\"avgpool2d\",\"pool\":[2147483647,1],\"stride\":2147483647,\"padding\":\"same\"}", "AvgPool2D" },
        // Same padding with a huge stride: ⌈28 / stride⌉ used to overflow while rounding up; it is one position.
        { "{\"type\":\"conv2d\",\"filters\":1,\"kernel\":3,\"stride\":2147483647,\"padding\":\"same\",\"flatten\":true}", "missing '2.weight' [2, 1]" },
        // Flattening 2^16 filters of 2^16 × 28 positions.
        { "{\"type\":\"conv2d\",\"filters\":65536,\"kernel\":1,\"padding\":[0,32768],\"flatten\":true}", "Conv2D" },
    };

    [Theory]
    [MemberData(nameof(OverflowingArchitectures))]
    public void ShapeArithmeticThatWouldOverflow_IsAnErrorNamingTheLayer(string firstLayer, string expected)
    {
        string architecture = $"{{\"layers\":[{firstLayer},{{\"type\":\"flatten\"}},{{\"type\":\"dense\",\"units\":2}}]}}";
        string path = Write(PathOf("overflow.safetensors"), Metadata(architecture, "[1,28,28]"), []);

        long allocated = AllocatedBy(() => NeuralNetwork.Load(path));

        Refused(path, expected);
        Assert.True(allocated < SmallAllocation, $"loading allocated {allocated:N0} bytes");
    }

    [Fact]
    public void OversizedMetadataAndTooManyTensors_AreRefusedBeforeTheyAreParsed()
    {
        string architecture = EditMetadata(SmallModel(PathOf("m.safetensors")), m => m["architecture"] = new string(' ', ModelFileChecks.MaxArchitectureLength) + m["architecture"]);
        Refused(architecture, "its 'architecture' metadata is");
        Refused(architecture, "more than the 262,144 accepted");

        string classes = EditMetadata(SmallModel(PathOf("c.safetensors")), m => m["class_names"] = m["class_names"] + new string(' ', ModelFileChecks.MaxMetadataEntryLength));
        Refused(classes, "'class_names' metadata is");

        string many = Write(PathOf("many.safetensors"), Metadata("{\"layers\":[{\"type\":\"flatten\"}]}", "[4]"),
            Enumerable.Range(0, SafeTensors.MaxTensors + 1).Select(i => ($"t{i}", new Tensor(0))).ToList());
        Refused(many, "the header lists more than 16384 tensors");
    }

    [Fact]
    public void FlattenOfAHugeInput_IsAShapeErrorNamingTheLayer_NotZero()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new Flatten().OutputSampleShape([1, 65536, 65536]));
        Assert.Contains("Flatten", e.Message);
    }

    public static TheoryData<string> Networks => new()
    {
        ModelPreset.SeedCnn.Name, ModelPreset.Mlp.Name, ModelPreset.LeNet5.Name, ModelPreset.FashionCnn.Name, "all-layers",
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void StateShapes_AreExactlyWhatBuildCreates(string name)
    {
        NeuralNetwork network = name == "all-layers"
            ? new NeuralNetwork(
                [new Conv2D(4, 3, stride: 2, padding: Padding.Explicit(1, 2), kernelWidth: 2), new BatchNorm(), new MaxPool2D(2, padding: Padding.Same),
                 new Conv2D(3, 2, padding: Padding.Valid, bias: false), new AvgPool2D(2, 1), new GlobalAvgPool2D(), new Dense(5, bias: false),
                 new Dropout(0.3f), new Dense(4), new BatchNorm(), new Dense(2)],
                new MeanSquaredError())
            : ModelPreset.Find(name).CreateNetwork();
        int[] input = name == "all-layers" ? [2, 17, 13] : [1, 28, 28];

        var declared = network.StateShapes(input).ToDictionary(s => s.Name, s => s.Shape);
        network.Build(input);
        var built = network.NamedParameters().Select(p => (p.Name, p.Parameter.Value))
            .Concat(network.NamedBuffers().Select(b => (b.Name, b.Buffer.Value))).ToList();

        Assert.Equal(built.Count, declared.Count);
        foreach (var (tensorName, value) in built) Assert.Equal(value.Shape.ToArray(), declared[tensorName]);
    }

    [Theory]
    [InlineData("{\"mean\":72.9,\"std\":\"Infinity\"}", "'std'")]
    [InlineData("{\"mean\":72.9,\"std\":1e999}", "'std'")]
    [InlineData("{\"mean\":72.9,\"std\":1e-45}", "reciprocal is finite")]
    [InlineData("{\"mean\":72.9,\"std\":-90}", "positive finite number")]
    [InlineData("{\"mean\":72.9,\"std\":0}", "positive finite number")]
    [InlineData("{\"mean\":[1,2,3],\"std\":[4,5,6]}", "3 channel(s) but its input shape [1, 8, 8] has 1")]
    [InlineData("{\"mean\":[1],\"std\":[4,5]}", "1 means and 2 stds")]
    [InlineData("{\"mean\":1,\"mean\":2,\"std\":3}", "Duplicate property 'mean'")]
    public void UnusableNormalization_IsRefused(string normalization, string expected)
    {
        string path = EditMetadata(SmallModel(PathOf("n.safetensors")), m => m["normalization"] = normalization);
        Refused(path, expected);
    }

    [Theory]
    [InlineData("[\"a\",null,\"c\"]", "class name 1 is null")]
    [InlineData("[\"a\",\"\",\"c\"]", "class name 1 is empty")]
    [InlineData("[\"a\",\"\\u001b[2J\\u001b[31mpwned\",\"c\"]", "class name 1 holds a control character")]
    [InlineData("[\"a\",\"b\\nerror: fake\",\"c\"]", "class name 1 holds a control character")]
    [InlineData("[\"a\",\"b\\u2028c\",\"c\"]", "class name 1 holds a control character")]
    [InlineData("[\"a\",\"b\"]", "names 2 classes but the network's output per sample is [3]")]
    [InlineData("[\"a\",\"b\",\"c\",\"d\"]", "names 4 classes")]
    [InlineData("[\"a\",2,\"c\"]", "'class_names' metadata is not valid")]
    public void BadClassNames_AreRefused(string classNames, string expected)
    {
        string path = EditMetadata(SmallModel(PathOf("c.safetensors")), m => m["class_names"] = classNames);
        Refused(path, expected);
    }

    [Fact]
    public void PrintableUnicodeClassNames_AreKept()
    {
        string path = EditMetadata(SmallModel(PathOf("u.safetensors")), m => m["class_names"] = "[\"T-shirt/top\",\"Ärmel — lang\",\"靴 👟\"]");
        Assert.Equal(["T-shirt/top", "Ärmel — lang", "靴 👟"], NeuralNetwork.Load(path).ClassNames);
    }

    [Fact]
    public void NegativeRunningVariance_IsRefused()
    {
        string path = EditTensor(SmallModel(PathOf("v.safetensors")), "1.running_var", t => t[1] = -0.5f);
        Refused(path, "'1.running_var' holds a negative variance");
    }

    [Fact]
    public void ZeroRunningVariance_IsAccepted()
    {
        string path = EditTensor(SmallModel(PathOf("z.safetensors")), "1.running_var", t => t.Fill(-0f));
        Assert.NotNull(NeuralNetwork.Load(path));
    }

    [Theory]
    [InlineData("{\"layers\":[{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":3,\"units\":4}]}", "Duplicate property 'units'")]
    [InlineData("{\"layers\":[{\"type\":\"flatten\"}],\"layers\":[{\"type\":\"dense\",\"units\":3}]}", "Duplicate property 'layers'")]
    public void DuplicateKeysInTheArchitecture_AreRefusedNamingTheKey(string architecture, string expected)
    {
        string path = EditMetadata(SmallModel(PathOf("d.safetensors")), m => m["architecture"] = architecture);
        Refused(path, expected);
        Assert.Contains(expected, Assert.Throws<ModelFileException>(() => ModelSpec.Parse(architecture, "spec.json")).Message);
    }

    [Theory]
    [InlineData("{\"__metadata__\":{\"format\":\"scratchnet-model\",\"format\":\"other\"}}", "Duplicate property 'format'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "Duplicate property 'w'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", "Duplicate property 'dtype'")]
    public void DuplicateKeysInTheHeader_AreRefusedNamingTheKey(string header, string expected)
    {
        byte[] json = System.Text.Encoding.UTF8.GetBytes(header);
        byte[] bytes = new byte[8 + json.Length + 8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        string path = PathOf("h.safetensors");
        File.WriteAllBytes(path, bytes);

        Refused(path, expected);
    }

    [Fact]
    public void CheckpointWithANullHistory_IsRefusedClearly()
    {
        string path = PathOf("checkpoint.safetensors");
        NeuralNetwork network = ModelPreset.Mlp.CreateNetwork();
        network.Build([1, 28, 28]);
        var optimizer = new SGD(0.1f);
        Checkpoint.Save(path, network, optimizer, new TrainingState { CompletedEpochs = 1 }, new Dictionary<string, string>());
        EditMetadata(path, m => m["checkpoint"] = m["checkpoint"].Replace("\"History\":[]", "\"History\":null"));

        var e = Assert.Throws<ModelFileException>(() => Checkpoint.Load(path));

        Assert.Contains("no History list", e.Message);
    }
}
