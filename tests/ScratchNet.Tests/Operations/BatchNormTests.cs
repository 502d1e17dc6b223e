using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// Batch normalisation: gradient checks in training mode (rank 2 and rank 4, the operation and the whole layer), the
/// running statistics against hand-computed values (PyTorch's convention), inference on the running statistics,
/// the named buffers and argument validation.
/// </summary>
public class BatchNormTests
{
    [Theory]
    [InlineData(new[] { 6, 4 })]
    [InlineData(new[] { 3, 2, 3, 4 })]
    [InlineData(new[] { 4, 3, 1, 1 })]
    public void BatchNormalization_training_gradient_is_right(int[] shape)
    {
        // Not seed 1: the checker draws its output weights r from seed 1 too, and with x ∝ r the gradient of Σ r·x̂
        // is (nearly) zero, so only round-off would be compared.
        var op = new BatchNormalization(shape[1]);
        OperationGradientTests.AssertPasses(GradientChecker.Check(op, TestData.Uniform(31, -2f, 2f, shape)), "input");
    }

    [Fact]
    public void ChannelScale_gradients_are_right_for_rank_2_and_rank_4()
    {
        var dense = new ChannelScale(TestData.Parameter("weight", TestData.Uniform(2, 4)));
        OperationGradientTests.AssertPasses(GradientChecker.Check(dense, TestData.Uniform(3, 3, 4)), "input", "weight");
        var conv = new ChannelScale(TestData.Parameter("weight", TestData.Uniform(4, 3)));
        OperationGradientTests.AssertPasses(GradientChecker.Check(conv, TestData.Uniform(5, 2, 3, 2, 5)), "input", "weight");
    }

    [Theory]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 2, 3, 4, 5 })]
    public void BatchNorm_layer_gradients_are_right_with_nontrivial_gamma_and_beta(int[] shape)
    {
        var layer = new BatchNorm();
        layer.Build(shape.AsSpan(1));
        TestData.Uniform(6, 0.5f, 2f, shape[1]).Span.CopyTo(layer.Parameters[0].Value.Span);
        TestData.Uniform(7, shape[1]).Span.CopyTo(layer.Parameters[1].Value.Span);
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, TestData.Uniform(8, -2f, 2f, shape)), "input", "weight", "bias");
    }

    [Fact]
    public void Training_normalises_with_biased_batch_variance_and_updates_running_stats_with_unbiased_variance()
    {
        // Feature 0: 1, 3, 5 → μ = 3, biased σ² = 8/3, unbiased 4. Feature 1: 2, 6, 10 → μ = 6, biased 32/3, unbiased 16.
        var op = new BatchNormalization(2);
        Tensor x = Tensor.FromArray([1, 2, 3, 6, 5, 10], 3, 2);
        Tensor y = op.Forward(x, training: true);

        double s0 = Math.Sqrt(8.0 / 3 + 1e-5), s1 = Math.Sqrt(32.0 / 3 + 1e-5);
        TestData.AssertClose([-2 / s0, -4 / s1, 0, 0, 2 / s0, 4 / s1], y.Span, 1e-6, "x̂");
        // running = 0.9·running + 0.1·batch, from running mean 0 and running var 1.
        TestData.AssertClose([0.3f, 0.6f], op.RunningMean.Span, 1e-6, "running mean");
        TestData.AssertClose([0.9f + 0.4f, 0.9f + 1.6f], op.RunningVariance.Span, 1e-6, "running var");

        // A second step moves them again: mean 0.9·0.3 + 0.1·3 = 0.57, var 0.9·1.3 + 0.1·4 = 1.57.
        op.Forward(x, training: true);
        TestData.AssertClose([0.57f, 1.14f], op.RunningMean.Span, 1e-6, "running mean after two steps");
        TestData.AssertClose([1.57f, 0.9f * 2.5f + 1.6f], op.RunningVariance.Span, 1e-6, "running var after two steps");
    }

    [Fact]
    public void Rank_4_running_stats_are_per_channel_over_batch_height_and_width()
    {
        const float momentum = 0.25f;
        Tensor x = TestData.Uniform(9, -3f, 5f, 3, 2, 4, 5);
        var op = new BatchNormalization(2, momentum);
        op.Forward(x, training: true);
        for (int c = 0; c < 2; c++)
        {
            var values = new List<double>();
            for (int n = 0; n < 3; n++)
                for (int i = 0; i < 20; i++) values.Add(x[(n * 2 + c) * 20 + i]);
            double mean = values.Average(), unbiased = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
            Assert.Equal(momentum * mean, op.RunningMean[c], 5);
            Assert.Equal((1 - momentum) * 1 + momentum * unbiased, op.RunningVariance[c], 5);
        }
    }

    [Fact]
    public void Inference_uses_the_running_statistics_and_leaves_them_alone()
    {
        var layer = new BatchNorm();
        layer.Build([2]);
        NamedBuffer mean = layer.Buffers.Single(b => b.Name == "running_mean");
        NamedBuffer variance = layer.Buffers.Single(b => b.Name == "running_var");
        Tensor.FromArray([1f, -2f], 2).Span.CopyTo(mean.Value.Span);
        Tensor.FromArray([4f, 0.25f], 2).Span.CopyTo(variance.Value.Span);
        Tensor.FromArray([2f, 3f], 2).Span.CopyTo(layer.Parameters[0].Value.Span); // γ
        Tensor.FromArray([0.5f, -1f], 2).Span.CopyTo(layer.Parameters[1].Value.Span); // β

        Tensor y = layer.Forward(Tensor.FromArray([3f, -2f, -1f, 0f], 2, 2), training: false);

        double s0 = Math.Sqrt(4 + 1e-5), s1 = Math.Sqrt(0.25 + 1e-5);
        TestData.AssertClose([2 * 2 / s0 + 0.5, -1, 2 * -2 / s0 + 0.5, 3 * 2 / s1 - 1], y.Span, 1e-6, "inference output");
        Assert.Equal([1f, -2f], mean.Value.Span.ToArray());
        Assert.Equal([4f, 0.25f], variance.Value.Span.ToArray());
    }

    [Fact]
    public void Training_and_inference_outputs_differ()
    {
        var layer = new BatchNorm();
        Tensor x = TestData.Uniform(10, 2f, 6f, 8, 3);
        float[] training = layer.Forward(x, training: true).Span.ToArray();
        float[] inference = layer.Forward(x, training: false).Span.ToArray();
        // After one step the running mean is only 10 % of the batch mean, so inference output is far from x̂.
        Assert.True(training.Zip(inference).Max(p => Math.Abs(p.First - p.Second)) > 1f);
        // In training the output of each feature has zero mean and unit (biased) variance.
        for (int f = 0; f < 3; f++)
        {
            var column = Enumerable.Range(0, 8).Select(n => training[n * 3 + f]).ToArray();
            var (m, s) = TestData.Moments(column);
            Assert.Equal(0, m, 5);
            Assert.Equal(1, s, 3);
        }
    }

    [Fact]
    public void Inference_backward_divides_by_the_running_standard_deviation()
    {
        var op = new BatchNormalization(2);
        Tensor.FromArray([4f, 0.25f], 2).Span.CopyTo(op.RunningVariance.Span);
        op.Forward(TestData.Uniform(11, 3, 2), training: false);
        Tensor? dx = op.Backward(Tensor.FromArray([1, 1, 2, 2, 3, 3], 3, 2));
        double s0 = Math.Sqrt(4 + 1e-5), s1 = Math.Sqrt(0.25 + 1e-5);
        TestData.AssertClose([1 / s0, 1 / s1, 2 / s0, 2 / s1, 3 / s0, 3 / s1], dx!.Span, 1e-6, "dx");
    }

    [Fact]
    public void Buffers_are_named_like_PyTorch_and_parameters_are_weight_and_bias()
    {
        var network = new NeuralNetwork([new Dense(3), new BatchNorm(), new Dense(2)], new SoftmaxCrossEntropy());
        network.Build([4]);
        Assert.Equal(["1.running_mean", "1.running_var"], network.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"], network.NamedParameters().Select(p => p.Name));
        Assert.Equal([1f, 1f, 1f], network.Layers[1].Parameters[0].Value.Span.ToArray());
        Assert.Equal([0f, 0f, 0f], network.Layers[1].Parameters[1].Value.Span.ToArray());
        Assert.Equal([0f, 0f, 0f], network.NamedBuffers().First().Buffer.Value.Span.ToArray());
        Assert.Equal([1f, 1f, 1f], network.NamedBuffers().Last().Buffer.Value.Span.ToArray());
        Assert.Empty(network.Layers[0].Buffers);
        // Buffers are not parameters: the optimizer never sees them.
        Assert.Equal(6, network.Parameters.Count);
    }

    [Fact]
    public void Network_with_batch_norm_passes_the_whole_network_gradient_check()
    {
        // No bias before the batch norm: its gradient is exactly zero (the mean is subtracted), so only noise would be compared.
        var network = new NeuralNetwork([new Dense(4, bias: false), new BatchNorm(), new Dense(3)], new SoftmaxCrossEntropy(), seed: 3);
        GradientCheckReport report = GradientChecker.Check(network, TestData.Uniform(12, 6, 5), TestData.OneHot(13, 6, 3));
        Assert.True(report.Passed(), report.ToString());
    }

    [Fact]
    public void Training_on_one_value_per_channel_is_rejected()
    {
        var exception = Assert.Throws<ArgumentException>(() => new BatchNormalization(3).Forward(new Tensor(1, 3), training: true));
        Assert.Contains("more than one value per channel", exception.Message);
        new BatchNormalization(3).Forward(new Tensor(1, 3), training: false); // inference is fine
    }

    [Fact]
    public void Wrong_channel_count_is_a_shape_error()
    {
        var exception = Assert.Throws<ShapeMismatchException>(() => new BatchNormalization(3).Forward(new Tensor(2, 4)));
        Assert.Contains("[2, 4]", exception.Message);
    }

    [Theory]
    [InlineData(-0.1f, 1e-5f, "momentum")]
    [InlineData(1.5f, 1e-5f, "momentum")]
    [InlineData(float.NaN, 1e-5f, "momentum")]
    [InlineData(0.1f, 0f, "epsilon")]
    [InlineData(0.1f, -1e-5f, "epsilon")]
    [InlineData(0.1f, float.PositiveInfinity, "epsilon")]
    public void Invalid_arguments_are_rejected_with_the_value(float momentum, float epsilon, string name)
    {
        var layer = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm(momentum, epsilon));
        Assert.Equal(name, layer.ParamName);
        Assert.Contains((name == "momentum" ? momentum : epsilon).ToString(), layer.Message);
        var op = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(2, momentum, epsilon));
        Assert.Equal(name, op.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(0));
    }
}
