using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>Inverted dropout: identity at inference, the drop rate and the mean in training, seeded masks, gradient, validation.</summary>
public class DropoutTests
{
    [Fact]
    public void Inference_is_the_identity_forward_and_backward()
    {
        var op = new DropoutOperation(0.5f, seed: 1);
        Tensor x = TestData.Uniform(1, 4, 5);
        Assert.Equal(x.Span.ToArray(), op.Forward(x, training: false).Span.ToArray());
        Tensor dy = TestData.Uniform(2, 4, 5);
        Assert.Equal(dy.Span.ToArray(), op.Backward(dy)!.Span.ToArray());
        var layer = new Dropout(0.5f);
        Assert.Equal(x.Span.ToArray(), layer.Forward(x).Span.ToArray());
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    [InlineData(0.8f)]
    public void Training_drops_about_rate_of_the_elements_and_preserves_the_mean(float rate)
    {
        var op = new DropoutOperation(rate, seed: 7);
        var x = new Tensor(200, 100);
        x.Fill(1f);
        float[] y = op.Forward(x, training: true).Span.ToArray();

        double zeros = y.Count(v => v == 0f) / (double)y.Length;
        Assert.InRange(zeros, rate - 0.02, rate + 0.02); // 20,000 draws: σ ≤ 0.0036
        Assert.All(y, v => Assert.True(v == 0f || v == 1f / (1f - rate), $"unexpected value {v}"));
        Assert.InRange(y.Average(), 0.96, 1.04);           // expectation 1 (σ ≤ 0.014 at rate 0.8)
    }

    [Fact]
    public void Rate_zero_keeps_everything_in_training()
    {
        var op = new DropoutOperation(0f, seed: 3);
        Tensor x = TestData.Uniform(3, 6, 7);
        Assert.Equal(x.Span.ToArray(), op.Forward(x, training: true).Span.ToArray());
    }

    [Fact]
    public void Same_seed_gives_the_same_masks_and_another_seed_does_not()
    {
        Tensor x = TestData.Uniform(4, 0.5f, 1f, 10, 30);
        var a = new DropoutOperation(0.5f, seed: 11);
        var b = new DropoutOperation(0.5f, seed: 11);
        var c = new DropoutOperation(0.5f, seed: 12);
        for (int step = 0; step < 3; step++)
        {
            float[] ya = a.Forward(x, training: true).Span.ToArray();
            TestData.AssertBitIdentical(ya, b.Forward(x, training: true).Span, $"step {step}");
            Assert.NotEqual(ya, c.Forward(x, training: true).Span.ToArray());
        }
    }

    [Fact]
    public void Layers_take_their_seed_from_the_network()
    {
        static float[] Run(int seed)
        {
            var network = new NeuralNetwork([new Dense(20), new Dropout(0.5f)], new MeanSquaredError(), seed);
            return network.Forward(TestData.Uniform(5, 4, 8), training: true).Span.ToArray();
        }
        TestData.AssertBitIdentical(Run(1), Run(1), "same network seed");
        Assert.NotEqual(Run(1), Run(2));
    }

    [Fact]
    public void Gradient_is_right_with_a_fixed_mask()
    {
        var op = new DropoutOperation(0.4f, seed: 5) { FreezeMask = true };
        Tensor x = TestData.Uniform(6, 3, 4, 5);
        op.Forward(x, training: true);
        float[] mask = op.Mask!.Span.ToArray();
        OperationGradientTests.AssertPasses(GradientChecker.Check(op, x), "input");
        Assert.Equal(mask, op.Mask!.Span.ToArray());

        Tensor dy = TestData.Uniform(7, 3, 4, 5);
        op.Forward(x, training: true);
        float[] dx = op.Backward(dy)!.Span.ToArray();
        for (int i = 0; i < dx.Length; i++) Assert.Equal(dy[i] * mask[i], dx[i]);
    }

    [Fact]
    public void Without_freezing_each_training_pass_draws_a_new_mask()
    {
        var op = new DropoutOperation(0.5f, seed: 5);
        Tensor x = TestData.Uniform(8, 0.5f, 1f, 4, 25);
        float[] first = op.Forward(x, training: true).Span.ToArray();
        Assert.NotEqual(first, op.Forward(x, training: true).Span.ToArray());
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void Invalid_rate_is_rejected_with_the_value(float rate)
    {
        var layer = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(rate));
        Assert.Contains($"got {rate}", layer.Message);
        Assert.Equal("rate", layer.ParamName);
        var op = Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutOperation(rate));
        Assert.Contains($"got {rate}", op.Message);
    }
}
