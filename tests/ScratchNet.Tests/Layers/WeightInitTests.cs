using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Training;

namespace ScratchNet.Tests.Layers;

/// <summary>
/// docs/notebook.md, item 2: the notebook drew every weight from N(0, 1); ScratchNet defaults to Glorot scaling
/// and keeps "standard" selectable. Initial weights are reproducible from the seed.
/// </summary>
public class WeightInitTests
{
    private static float[] DenseWeights(WeightInit init, int inputs, int neurons, int seed)
    {
        var layer = new Dense(neurons) { WeightInit = init, Seed = seed };
        layer.Build([inputs]);
        Assert.Equal([neurons, inputs], layer.Parameters[0].Value.Shape.ToArray());
        Assert.All(layer.Parameters[1].Value.Span.ToArray(), b => Assert.Equal(0f, b)); // biases start at zero
        return layer.Parameters[0].Value.Span.ToArray();
    }

    [Fact]
    public void Glorot_is_the_default()
    {
        Assert.Equal(WeightInit.Glorot, new Dense(3).WeightInit);
        Assert.Equal(WeightInit.Glorot, new Conv2D(3, 3).WeightInit);
    }

    [Fact]
    public void Dense_glorot_weights_have_the_glorot_spread_and_bound()
    {
        const int fanIn = 300, fanOut = 200;
        float[] w = DenseWeights(WeightInit.Glorot, fanIn, fanOut, seed: 3);
        double expectedStd = Math.Sqrt(2.0 / (fanIn + fanOut)), limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        var (mean, std) = TestData.Moments(w);
        Assert.InRange(std, 0.9 * expectedStd, 1.1 * expectedStd);
        Assert.InRange(mean, -0.05 * expectedStd, 0.05 * expectedStd);
        Assert.All(w, v => Assert.True(Math.Abs(v) <= limit, $"|{v}| exceeds the Glorot limit {limit}"));
        Assert.True(w.Max() > 0.9 * limit && w.Min() < -0.9 * limit, "uniform weights should reach close to ±limit");
    }

    [Fact]
    public void Conv2D_glorot_weights_use_receptive_field_fans()
    {
        // fan-in = in channels · kernel area = 3·25, fan-out = out channels · kernel area = 16·25.
        var layer = new Conv2D(16, 5) { Seed = 4 };
        layer.Build([3, 8, 8]);
        float[] w = layer.Parameters[0].Value.Span.ToArray();
        Assert.Equal(16 * 3 * 25, w.Length);
        double fanIn = 3 * 25, fanOut = 16 * 25;
        double expectedStd = Math.Sqrt(2 / (fanIn + fanOut)), limit = Math.Sqrt(6 / (fanIn + fanOut));
        var (_, std) = TestData.Moments(w);
        Assert.InRange(std, 0.9 * expectedStd, 1.1 * expectedStd);
        Assert.All(w, v => Assert.True(Math.Abs(v) <= limit, $"|{v}| exceeds the Glorot limit {limit}"));
    }

    [Fact]
    public void Standard_init_is_the_notebooks_unit_normal()
    {
        float[] w = DenseWeights(WeightInit.Standard, 300, 200, seed: 5);
        var (mean, std) = TestData.Moments(w);
        Assert.InRange(std, 0.95, 1.05);
        Assert.InRange(mean, -0.05, 0.05);
        Assert.Contains(w, v => Math.Abs(v) > 3); // a normal has tails a bounded uniform would not
    }

    [Fact]
    public void He_init_has_std_sqrt_two_over_fan_in()
    {
        float[] w = DenseWeights(WeightInit.He, 300, 200, seed: 6);
        var (_, std) = TestData.Moments(w);
        double expected = Math.Sqrt(2.0 / 300);
        Assert.InRange(std, 0.9 * expected, 1.1 * expected);
    }

    [Theory]
    [InlineData(WeightInit.Glorot)]
    [InlineData(WeightInit.He)]
    [InlineData(WeightInit.Standard)]
    public void Same_seed_gives_same_weights_and_another_seed_different_ones(WeightInit init)
    {
        float[] a = DenseWeights(init, 20, 10, seed: 7);
        float[] b = DenseWeights(init, 20, 10, seed: 7);
        float[] c = DenseWeights(init, 20, 10, seed: 8);
        TestData.AssertBitIdentical(a, b, "same seed");
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Network_seed_reproduces_every_layer_and_layers_differ_from_each_other()
    {
        static NeuralNetwork Build(int seed)
        {
            var network = new NeuralNetwork([new Conv2D(1, 3, flatten: true), new Dense(4), new Dense(4)], new SoftmaxCrossEntropy(), seed);
            network.Build([1, 2, 2]); // 4 features, so both dense layers have [4, 4] weights
            return network;
        }
        NeuralNetwork first = Build(9), second = Build(9), other = Build(10);
        Assert.Equal(first.Parameters.Count, second.Parameters.Count);
        for (int i = 0; i < first.Parameters.Count; i++)
            TestData.AssertBitIdentical(first.Parameters[i].Value.Span, second.Parameters[i].Value.Span, $"parameter {i}");
        Assert.NotEqual(first.Parameters[0].Value.Span.ToArray(), other.Parameters[0].Value.Span.ToArray());
        // Layers 1 and 2 have the same weight shape but seeds seed + 1 and seed + 2.
        Assert.Equal([4, 4], first.Layers[2].Parameters[0].Value.Shape.ToArray());
        Assert.NotEqual(first.Layers[1].Parameters[0].Value.Span.ToArray(), first.Layers[2].Parameters[0].Value.Span.ToArray());
    }
}
