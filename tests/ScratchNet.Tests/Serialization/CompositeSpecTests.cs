using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Tests.Serialization;

/// <summary>Nested layers in JSON specifications and model files: parsed, described, saved and loaded like a plain stack.</summary>
public sealed class CompositeSpecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-composite-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal const string ResidualSpec = """
        {"layers": [
          {"type": "conv2d", "filters": 8, "kernel": 3, "bias": false},
          {"type": "batchnorm", "activation": "relu"},
          {"type": "residual",
           "body": [{"type": "conv2d", "filters": 16, "kernel": 3, "stride": 2, "bias": false},
                    {"type": "batchnorm", "activation": "relu"},
                    {"type": "conv2d", "filters": 16, "kernel": 3, "bias": false},
                    {"type": "batchnorm"}],
           "shortcut": [{"type": "conv2d", "filters": 16, "kernel": 1, "stride": 2, "bias": false}, {"type": "batchnorm"}],
           "activation": "relu"},
          {"type": "residual", "body": [{"type": "sequential", "layers": [
              {"type": "conv2d", "filters": 16, "kernel": 3, "groups": 16, "bias": false},
              {"type": "conv2d", "filters": 16, "kernel": 1, "activation": "relu"}]}], "activation": "relu"},
          {"type": "concat", "branches": [[], [{"type": "conv2d", "filters": 8, "kernel": 1, "activation": "relu"}], [{"type": "maxpool2d", "pool": 3, "stride": 1, "padding": "same"}]]},
          {"type": "globalavgpool2d"},
          {"type": "dropout", "rate": 0.1},
          {"type": "dense", "units": 10}
        ]}
        """;

    [Fact]
    public void A_nested_specification_builds_the_nesting_it_says()
    {
        var (layers, _) = ModelSpec.Parse(ResidualSpec, "spec.json");
        var projection = Assert.IsType<Residual>(layers[2]);
        Assert.Equal(4, projection.Body.Count);
        Assert.Equal(2, projection.Shortcut.Count);
        Assert.IsType<ReLU>(projection.Activation);
        var identity = Assert.IsType<Residual>(layers[3]);
        Assert.Empty(identity.Shortcut);
        Assert.Equal(16, Assert.IsType<Conv2D>(Assert.IsType<Sequential>(identity.Body[0]).Layers[0]).Groups);
        var concat = Assert.IsType<Concat>(layers[4]);
        Assert.Equal([0, 1, 1], concat.Branches.Select(b => b.Count));

        var network = new NeuralNetwork(layers, new SoftmaxCrossEntropy());
        network.Build([1, 28, 28]);
        Assert.Contains("3.body.0.0.weight", network.NamedParameters().Select(p => p.Name));
        Assert.Equal([16, 1, 3, 3], network.NamedParameters().Single(p => p.Name == "3.body.0.0.weight").Parameter.Value.Shape.ToArray());
        Assert.Contains("4.branches.1.0.weight", network.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Describe_then_parse_gives_the_same_description()
    {
        var (layers, loss) = ModelSpec.Parse(ResidualSpec, "spec.json");
        string described = ModelSpec.Describe(layers, loss);
        var (again, againLoss) = ModelSpec.Parse(described, "described");
        Assert.Equal(described, ModelSpec.Describe(again, againLoss));
        Assert.Contains("\"groups\":16", described);
        Assert.Contains("\"shortcut\":[]", described);
        Assert.Equal(["conv2d", "dense", "maxpool2d", "avgpool2d", "globalavgpool2d", "flatten", "batchnorm", "dropout", "activation", "sequential", "residual", "concat"],
            ModelSpec.LayerTypes);
    }

    [Fact]
    public void A_nested_network_survives_the_model_file_round_trip_bit_for_bit()
    {
        var (layers, loss) = ModelSpec.Parse(ResidualSpec, "spec.json");
        var network = new NeuralNetwork(layers, loss, seed: 4);
        network.Build([1, 12, 12]);
        network.Forward(TestData.Uniform(1, 4, 1, 12, 12), training: true);   // moves the nested running statistics
        string path = Path.Combine(_folder, "residual.safetensors");
        network.Save(path);

        NeuralNetwork loaded = NeuralNetwork.Load(path);
        Assert.Equal(network.NamedParameters().Select(p => p.Name), loaded.NamedParameters().Select(p => p.Name));
        Assert.Contains("2.shortcut.1.running_var", loaded.NamedBuffers().Select(b => b.Name));
        Tensor x = TestData.Uniform(2, 3, 1, 12, 12);
        TestData.AssertBitIdentical(network.Predict(x).Span, loaded.Predict(x).Span, "outputs");
    }

    [Fact]
    public void Nested_tensors_of_another_shape_are_listed_by_their_nested_names_before_building()
    {
        static NeuralNetwork Block() => new([new Residual([new Conv2D(2, 3)], [new Conv2D(2, 1)]), new Flatten(), new Dense(3)], new SoftmaxCrossEntropy());
        NeuralNetwork saved = Block();
        saved.Build([2, 4, 4]);
        string path = Path.Combine(_folder, "r.safetensors");
        saved.Save(path);
        // What the same architecture needs for 3 input channels, computed without building it.
        var expected = Block().StateShapes([3, 4, 4]);
        using var file = SafeTensorsReader.Open(path);
        var e = Assert.Throws<ModelFileException>(() => ModelFileChecks.TensorsMatch(path, expected, file.Entries.Values.ToList()));
        Assert.Contains("'0.body.0.weight' has shape [2, 2, 3, 3], expected [2, 3, 3, 3]", e.Message);
        Assert.Contains("'0.shortcut.0.weight' has shape [2, 2, 1, 1], expected [2, 3, 1, 1]", e.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_json_reader_allows_is_an_error_not_a_stack_overflow()
    {
        string entry = "{\"type\": \"flatten\"}";
        for (int i = 0; i < 40; i++) entry = $"{{\"type\": \"sequential\", \"layers\": [{entry}]}}";
        var e = Assert.Throws<ModelFileException>(() => ModelSpec.Parse($"{{\"layers\": [{entry}]}}", "deep.json"));
        Assert.Contains("maximum configured depth of 64", e.Message);
    }

    [Theory]
    [InlineData("{\"layers\": [{\"type\": \"residual\"}]}", "$.layers[0].body: missing")]
    [InlineData("{\"layers\": [{\"type\": \"residual\", \"body\": []}]}", "$.layers[0].body: expected a non-empty array of layers")]
    [InlineData("{\"layers\": [{\"type\": \"residual\", \"body\": [{\"type\": \"conv2d\", \"filters\": 4}]}]}", "$.layers[0].body[0].kernel: missing")]
    [InlineData("{\"layers\": [{\"type\": \"residual\", \"body\": [{\"type\": \"flatten\"}], \"shortcut\": [{\"type\": \"dense\", \"units\": 2, \"unit\": 1}]}]}", "$.layers[0].shortcut[0].unit: unknown field for a dense layer")]
    [InlineData("{\"layers\": [{\"type\": \"residual\", \"body\": [{\"type\": \"flatten\"}], \"bodies\": []}]}", "$.layers[0].bodies: unknown field for a residual layer")]
    [InlineData("{\"layers\": [{\"type\": \"concat\", \"branches\": [[]]}]}", "$.layers[0].branches: expected an array of at least two branches")]
    [InlineData("{\"layers\": [{\"type\": \"concat\", \"branches\": [[], {\"type\": \"flatten\"}]}]}", "$.layers[0].branches[1]: expected an array of layers")]
    [InlineData("{\"layers\": [{\"type\": \"concat\", \"branches\": [[], [{\"type\": \"capsule\"}]]}]}", "$.layers[0].branches[1][0].type: unknown layer type 'capsule'")]
    [InlineData("{\"layers\": [{\"type\": \"sequential\", \"layers\": [{\"type\": \"sequential\"}]}]}", "$.layers[0].layers[0].layers: missing")]
    [InlineData("{\"layers\": [{\"type\": \"conv2d\", \"filters\": 6, \"kernel\": 3, \"groups\": 4}]}", "$.layers[0]: Conv2D: 6 output channels do not split into 4 groups")]
    public void A_bad_nested_entry_is_named_by_its_json_path(string json, string expected)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelSpec.Parse(json, "my-spec.json"));
        Assert.Contains("my-spec.json", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
