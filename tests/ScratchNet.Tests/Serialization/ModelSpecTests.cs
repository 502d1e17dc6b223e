using ScratchNet.Layers;
using ScratchNet.Serialization;

namespace ScratchNet.Tests.Serialization;

/// <summary>Architectures written as JSON: parsed into layers, and bad entries reported with their path.</summary>
public sealed class ModelSpecTests
{
    [Fact]
    public void Parse_TheNotebookModel_GivesItsLayersAndParameterCount()
    {
        const string json = """
            {"layers": [{"type": "conv2d", "filters": 16, "kernel": 5, "padding": "same", "bias": false, "activation": "tanh", "flatten": true},
                        {"type": "dense", "units": 10}]}
            """;
        var (layers, _) = ModelSpec.Parse(json, "spec.json");
        var network = new ScratchNet.Training.NeuralNetwork(layers, new ScratchNet.Losses.SoftmaxCrossEntropy());
        network.Build([1, 28, 28]);

        Assert.Equal(125_850, network.ParameterCount);
        var conv = Assert.IsType<Conv2D>(layers[0]);
        Assert.False(conv.HasBias);
        Assert.True(conv.Flattens);
    }

    [Theory]
    [InlineData("[1, 2]", "$: expected an object")]
    [InlineData("{\"layers\": []}", "$.layers: expected a non-empty array")]
    [InlineData("{\"layers\": [{\"type\": \"dense\"}]}", "$.layers[0].units: missing")]
    [InlineData("{\"layers\": [{\"type\": \"dense\", \"units\": 10}, {\"type\": \"conv2d\", \"filters\": 4, \"kernel\": -3}]}", "$.layers[1].kernel: expected a non-negative whole number, got -3")]
    [InlineData("{\"layers\": [{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": [3, 0]}]}", "$.layers[0].kernel[1]: expected a positive whole number")]
    [InlineData("{\"layers\": [{\"type\": \"dense\", \"units\": 3, \"activation\": \"swish\"}]}", "$.layers[0].activation: unknown activation 'swish'")]
    [InlineData("{\"layers\": [{\"type\": \"dense\", \"units\": 3, \"unit\": 4}]}", "$.layers[0].unit: unknown field")]
    [InlineData("{\"layers\": [{\"type\": \"maxpool2d\", \"padding\": \"full\"}]}", "$.layers[0].padding: expected \"same\"")]
    [InlineData("{\"layers\": [{\"type\": \"dense\", \"units\": 3, \"bias\": \"yes\"}]}", "$.layers[0].bias: expected true or false")]
    [InlineData("{\"loss\": \"hinge\", \"layers\": [{\"type\": \"flatten\"}]}", "$.loss: unknown loss 'hinge'")]
    [InlineData("{\"layers\": [{\"type\": \"dense\"", "not valid JSON")]
    [InlineData("{\"layers\": [{\"type\": \"dropout\", \"rate\": 1}]}", "$.layers[0]: ")]
    public void Parse_BadSpecification_NamesThePathAndTheProblem(string json, string expected)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelSpec.Parse(json, "my-spec.json"));
        Assert.Contains("my-spec.json", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
