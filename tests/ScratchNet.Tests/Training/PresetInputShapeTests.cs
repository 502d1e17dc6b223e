using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>
/// Every preset builds for any image shape [C, H, W]: the first layer takes C channels and every later size (the
/// flattened features in particular) follows from the input shape, nothing being fixed to 1×28×28.
/// </summary>
public sealed class PresetInputShapeTests
{
    [Theory]
    // seed-cnn: conv 16·C·5·5 (no bias), dense (16·H·W)·10 + 10.
    [InlineData("seed-cnn", 3, 32, 32, 16 * 3 * 25 + 16 * 32 * 32 * 10 + 10)]
    [InlineData("seed-cnn", 3, 28, 28, 16 * 3 * 25 + 16 * 28 * 28 * 10 + 10)]
    // mlp: (C·H·W)·128 + 128, then 128·10 + 10.
    [InlineData("mlp", 3, 32, 32, 3 * 32 * 32 * 128 + 128 + 1290)]
    // lenet5: conv 6@5×5 same, pool → H/2, conv 16@5×5 valid → H/2 − 4, pool → (H/2 − 4)/2; then 120, 84, 10.
    [InlineData("lenet5", 3, 32, 32, 6 * 3 * 25 + 6 + 16 * 6 * 25 + 16 + 16 * 6 * 6 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10)]
    [InlineData("lenet5", 1, 28, 28, 61_706)]
    // fashion-cnn: 3×3 convs (no bias) with batch norm (γ, β), two poolings → H/4, dense 128 (no bias) + BN, dense 10.
    [InlineData("fashion-cnn", 3, 32, 32, 32 * 3 * 9 + 64 + 32 * 32 * 9 + 64 + 64 * 32 * 9 + 128 + 64 * 64 * 9 + 128 + 64 * 8 * 8 * 128 + 256 + 1290)]
    [InlineData("fashion-cnn", 1, 28, 28, 468_138)]
    public void Preset_BuildsForTheInputShape(string name, int channels, int height, int width, int parameters)
    {
        foreach (bool augmented in (bool[])[false, true])
        {
            NeuralNetwork network = ModelPreset.Find(name).CreateNetwork(seed: 2, augmented: augmented);
            network.Build([channels, height, width]);

            Assert.Equal(parameters, network.ParameterCount);
            if (network.Layers.OfType<Conv2D>().FirstOrDefault() is { } conv)
                Assert.Equal(channels, conv.Parameters[0].Value.Dim(1)); // OIHW: the first layer takes C channels
            Tensor logits = network.Forward(TestData.Uniform(3, [2, channels, height, width]), training: true);
            Assert.Equal([2, 10], logits.Shape.ToArray());
            Assert.True(logits.AllFinite());
        }
    }

    [Theory]
    [InlineData("seed-cnn")]
    [InlineData("mlp")]
    [InlineData("lenet5")]
    [InlineData("fashion-cnn")]
    public void Preset_GivesOneOutputPerClass(string name)
    {
        NeuralNetwork network = ModelPreset.Find(name).CreateNetwork(classes: 3);
        network.Build([3, 16, 16]);

        Assert.Equal([5, 3], network.Forward(TestData.Uniform(4, [5, 3, 16, 16])).Shape.ToArray());
    }
}
