using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Losses;

/// <summary>
/// docs/notebook.md, item 3: the notebook's loss value had a binary term its gradient lacked. Here value and gradient
/// must agree numerically, the value must be the plain cross-entropy, and extreme logits stay finite.
/// </summary>
public class LossTests
{
    private const double Tolerance = GradientChecker.DefaultTolerance;

    private static void AssertPasses(GradientCheckReport report)
    {
        Assert.Single(report.Errors);
        Assert.True(report.Errors[0].Checked > 0);
        Assert.True(report.Passed(Tolerance), $"gradient check failed (tolerance {Tolerance}): {report}");
    }

    [Fact]
    public void Softmax_cross_entropy_gradient_matches_its_value_for_one_hot_targets() =>
        AssertPasses(GradientChecker.Check(new SoftmaxCrossEntropy(), TestData.Uniform(1, -3f, 3f, 5, 7), TestData.OneHot(2, 5, 7)));

    [Fact]
    public void Softmax_cross_entropy_gradient_matches_its_value_for_soft_targets() =>
        AssertPasses(GradientChecker.Check(new SoftmaxCrossEntropy(), TestData.Uniform(3, -3f, 3f, 4, 6), TestData.SoftTargets(4, 4, 6)));

    [Fact]
    public void Softmax_cross_entropy_gradient_matches_its_value_for_unnormalised_targets() =>
        // Rows summing to 0.6 and 1.7: the gradient is p·Σt − t, not p − t.
        AssertPasses(GradientChecker.Check(new SoftmaxCrossEntropy(), TestData.Uniform(5, -2f, 2f, 2, 3),
            Tensor.FromArray([0.1f, 0.2f, 0.3f, 1f, 0.5f, 0.2f], 2, 3)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Label_smoothing_gradient_matches_its_value(bool softTargets) =>
        AssertPasses(GradientChecker.Check(new SoftmaxCrossEntropy { LabelSmoothing = 0.1f }, TestData.Uniform(7, -3f, 3f, 4, 6),
            softTargets ? TestData.SoftTargets(8, 4, 6) : TestData.OneHot(9, 4, 6)));

    [Fact]
    public void Label_smoothing_is_plain_cross_entropy_against_the_smoothed_targets()
    {
        // ε = 0.2 over 4 classes: the label keeps 1 − ε + ε/4 = 0.85 and every other class gets ε/4 = 0.05. The second
        // row sums to 0.5, so it keeps 0.8·t + 0.2·0.5/4.
        Tensor logits = TestData.Uniform(11, -2f, 2f, 2, 4);
        Tensor labels = Tensor.FromArray([0f, 0f, 1f, 0f, 0.5f, 0f, 0f, 0f], 2, 4);
        Tensor smoothed = Tensor.FromArray([0.05f, 0.05f, 0.85f, 0.05f, 0.425f, 0.025f, 0.025f, 0.025f], 2, 4);
        var withSmoothing = new SoftmaxCrossEntropy { LabelSmoothing = 0.2f };
        var plain = new SoftmaxCrossEntropy();

        Assert.Equal(plain.Forward(logits, smoothed), withSmoothing.Forward(logits, labels), 1e-6);
        float[] expected = plain.Backward().Span.ToArray(), actual = withSmoothing.Backward().Span.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-7);
        Assert.NotEqual(plain.Forward(logits, labels), withSmoothing.Forward(logits, labels));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void Label_smoothing_outside_0_to_1_is_refused(float smoothing) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropy { LabelSmoothing = smoothing });

    [Fact]
    public void Softmax_cross_entropy_value_is_the_mean_negative_log_softmax()
    {
        float[] logits = [1f, 2f, 3f, 0.5f, -1f, 2f];
        float[] target = [0f, 0f, 1f, 1f, 0f, 0f];
        // Hand-computed: −log softmax(z)_t = log Σₖ e^(zₖ) − z_t, averaged over the two rows.
        double row0 = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3;
        double row1 = Math.Log(Math.Exp(0.5) + Math.Exp(-1) + Math.Exp(2)) - 0.5;
        Assert.Equal(0.40760596, row0, 1e-8); // log(1 + e⁻¹ + e⁻²)
        var loss = new SoftmaxCrossEntropy();
        float value = loss.Forward(Tensor.FromArray(logits, 2, 3), Tensor.FromArray(target, 2, 3));
        Assert.Equal((row0 + row1) / 2, value, 1e-6);

        // The notebook added −Σ(1 − t)·log(1 − p), which would make the value larger by this much:
        double binary = 0;
        for (int n = 0; n < 2; n++)
        {
            double sum = 0;
            for (int j = 0; j < 3; j++) sum += Math.Exp(logits[n * 3 + j]);
            for (int j = 0; j < 3; j++)
                if (target[n * 3 + j] == 0) binary -= Math.Log(1 - Math.Exp(logits[n * 3 + j]) / sum);
        }
        Assert.True(binary / 2 > 0.1);
        Assert.True(Math.Abs(value - ((row0 + row1) / 2 + binary / 2)) > 0.1);

        // Gradient (p − t)/N from the same probabilities.
        Tensor gradient = loss.Backward();
        float[] probabilities = loss.Probabilities.ToArray();
        for (int n = 0; n < 2; n++)
            Assert.Equal(1.0, probabilities.Skip(3 * n).Take(3).Sum(), 1e-6);
        for (int i = 0; i < 6; i++)
            Assert.Equal((probabilities[i] - target[i]) / 2, gradient[i], 1e-7);
    }

    [Fact]
    public void Softmax_cross_entropy_is_finite_for_huge_logits()
    {
        var loss = new SoftmaxCrossEntropy();
        // Row 0 is confidently right (loss 0), row 1 confidently wrong (loss 2000).
        Tensor logits = Tensor.FromArray([1000f, -1000f, 1000f, -1000f], 2, 2);
        Tensor target = Tensor.FromArray([1f, 0f, 0f, 1f], 2, 2);
        float value = loss.Forward(logits, target);
        Assert.True(float.IsFinite(value));
        Assert.Equal(1000.0, value, 1e-3); // (0 + 2000) / 2
        Tensor gradient = loss.Backward();
        Assert.True(gradient.AllFinite());
        Assert.Equal([0f, 0f, 0.5f, -0.5f], gradient.Span.ToArray());

        Tensor equal = Tensor.FromArray([1000f, 1000f], 1, 2);
        Assert.Equal(Math.Log(2), loss.Forward(equal, Tensor.FromArray([1f, 0f], 1, 2)), 1e-6);
    }

    [Fact]
    public void Mean_squared_error_value_and_gradient()
    {
        var loss = new MeanSquaredError();
        // Squared errors 1 + 0 + 4 + 9 = 14 over a batch of 2.
        Tensor prediction = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2), target = Tensor.FromArray([0f, 2f, 1f, 1f], 2, 2);
        Assert.Equal(7f, loss.Forward(prediction, target));
        Assert.Equal([1f, 0f, 2f, 3f], loss.Backward().Span.ToArray()); // 2(p − t)/N
        AssertPasses(GradientChecker.Check(loss, TestData.Uniform(6, 3, 5), TestData.Uniform(7, 3, 5)));
    }

    [Fact]
    public void Loss_rejects_a_target_of_another_shape()
    {
        var exception = Assert.Throws<ShapeMismatchException>(() =>
            new SoftmaxCrossEntropy().Forward(new Tensor(4, 10), new Tensor(4, 9)));
        Assert.Contains("[4, 9]", exception.Message);
        Assert.Contains("[4, 10]", exception.Message);
        Assert.Throws<ShapeMismatchException>(() => new MeanSquaredError().Forward(new Tensor(2, 3), new Tensor(3, 2)));
    }

    [Fact]
    public void Loss_backward_before_forward_says_so()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new SoftmaxCrossEntropy().Backward());
        Assert.Contains("before Forward", exception.Message);
    }
}
