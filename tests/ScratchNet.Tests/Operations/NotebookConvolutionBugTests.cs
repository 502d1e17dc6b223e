using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// Pins the notebook's two convolution gradient bugs (docs/notebook.md, items 9 and 10): each test passes on
/// ScratchNet's convolution and shows, with the notebook's formula translated to loops, that the same
/// check catches the bug.
/// </summary>
public class NotebookConvolutionBugTests
{
    /// <summary>
    /// Item 9. The notebook's <c>_param_grad</c> stacks image patches position-major — row r of the patch
    /// matrix is (position p = r / N, image n = r mod N) — but reshapes the output gradient batch-major —
    /// row r is (image n = r / P, position p = r mod P) — and multiplies the two row by row. At N = 1 both
    /// orders coincide, so a batch-1 test passes; at N &gt; 1 patches meet gradients of other images and
    /// other positions. Here the weight gradient at batch 4 must equal the naive chain rule.
    /// </summary>
    [Theory]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(3, 2)]
    public void Weight_gradient_is_right_at_batch_sizes_above_one(int batch, int threads)
    {
        ConvSpec spec = ConvolutionTests.Spec(batch, 2, 5, 6, 3, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(51, spec.InputShape), weight = TestData.Uniform(52, spec.WeightShape);
        Tensor dz = TestData.Uniform(53, spec.OutputShape);
        var op = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same)
        {
            Compute = new ComputeContext(threads),
        };
        op.Forward(x, training: true);
        op.Backward(dz);

        double[] reference = NaiveConvolution.WeightGradient(spec, x.Span, dz.Span);
        TestData.AssertClose(reference, op.Parameter.Gradient.Span, 1e-4, $"weight gradient at batch {batch}");

        // The notebook's ordering gives a different answer at this batch size, so the assertion above has teeth.
        double[] notebook = NaiveConvolution.NotebookWeightGradient(spec, x.Span, dz.Span);
        Assert.True(MaxDifference(reference, notebook) > 0.1,
            "the notebook's (position, batch) × (batch, position) pairing should differ from the chain rule at batch > 1");

        GradientCheckReport report = GradientChecker.Check(
            new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same), x);
        Assert.True(report.Passed(GradientChecker.DefaultTolerance), report.ToString());
    }

    [Fact]
    public void Notebook_weight_gradient_translation_is_exact_at_batch_one()
    {
        // Sanity check of the translation above: the ordering bug is invisible at batch 1, as docs/notebook.md says.
        ConvSpec spec = ConvolutionTests.Spec(1, 2, 5, 6, 3, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(54, spec.InputShape), dz = TestData.Uniform(55, spec.OutputShape);
        double[] reference = NaiveConvolution.WeightGradient(spec, x.Span, dz.Span);
        double[] notebook = NaiveConvolution.NotebookWeightGradient(spec, x.Span, dz.Span);
        Assert.True(MaxDifference(reference, notebook) < 1e-9);
    }

    /// <summary>
    /// Item 10. The input gradient is a full correlation with the kernel turned by 180°; the notebook used
    /// the kernel as is. With an asymmetric kernel the two differ; flipping the kernel fixes the notebook's formula.
    /// </summary>
    [Fact]
    public void Input_gradient_uses_the_kernel_turned_by_180_degrees()
    {
        ConvSpec spec = ConvolutionTests.Spec(2, 2, 5, 7, 3, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(61, spec.InputShape), weight = TestData.Uniform(62, spec.WeightShape);
        Tensor dz = TestData.Uniform(63, spec.OutputShape);
        var op = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same);
        op.Forward(x, training: true);
        Tensor dx = op.Backward(dz)!;

        double[] reference = NaiveConvolution.InputGradient(spec, weight.Span, dz.Span);
        TestData.AssertClose(reference, dx.Span, 1e-4, "input gradient");

        double[] unflipped = NaiveConvolution.NotebookInputGradient(spec, weight.Span, dz.Span);
        Assert.True(MaxDifference(reference, unflipped) > 0.1, "the notebook's unflipped kernel should give a wrong input gradient");
        double[] flipped = NaiveConvolution.NotebookInputGradient(spec, Flip(weight, spec).Span, dz.Span);
        Assert.True(MaxDifference(reference, flipped) < 1e-9, "the notebook's formula with the kernel flipped is the chain rule");
    }

    /// <summary>
    /// Item 10's test as docs/notebook.md states it: a convolution that is not the first layer, so its input
    /// gradient feeds the first convolution's weight gradient. Non-square input, batch 1 and 3.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    public void Second_convolution_in_a_network_passes_the_gradient_check(int batch, int threads)
    {
        NeuralNetwork network = ConvConvNetwork(threads);
        Tensor x = TestData.Uniform(71, batch, 2, 5, 6);
        Tensor target = TestData.OneHot(72, batch, 3);

        GradientCheckReport report = GradientChecker.Check(network, x, target);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], report.Errors.Select(e => e.Name));
        Assert.All(report.Errors, e => Assert.True(e.Checked > 0));
        Assert.True(report.Passed(GradientChecker.DefaultTolerance), report.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Second_convolution_input_gradient_matches_naive_loops(int batch)
    {
        NeuralNetwork network = ConvConvNetwork(threads: 1);
        Tensor x = TestData.Uniform(81, batch, 2, 5, 6);
        network.TrainBatch(x, TestData.OneHot(82, batch, 3));

        // Run the first layer again to get the second convolution's input, then back-propagate a random gradient.
        Tensor hidden = network.Layers[0].Forward(x, training: true).Clone();
        var conv = (Conv2DOperation)network.Layers[1].Operations[0];
        Assert.True(conv.ComputesInputGradient);
        Tensor z = conv.Forward(hidden, training: true);
        Tensor dz = TestData.Uniform(83, z.Shape.ToArray());
        Tensor? dx = conv.Backward(dz);
        Assert.NotNull(dx);

        ConvSpec spec = ConvolutionTests.Spec(batch, 3, 5, 6, 2, 3, 2, 1, 1, "same");
        Assert.Equal(spec.OutputShape, z.Shape.ToArray());
        TestData.AssertClose(NaiveConvolution.InputGradient(spec, conv.Parameter.Value.Span, dz.Span), dx.Span, 1e-4, "second conv input gradient");
        TestData.AssertClose(NaiveConvolution.WeightGradient(spec, hidden.Span, dz.Span), conv.Parameter.Gradient.Span, 1e-4, "second conv weight gradient");
    }

    /// <summary>The checker itself catches both notebook bugs when they are put into an operation.</summary>
    [Theory]
    [InlineData(1, false, true)]  // batch 1, correct input gradient: passes
    [InlineData(4, false, false)] // batch 4: the weight-gradient ordering bug fails the check
    [InlineData(1, true, false)]  // unflipped input gradient fails the check even at batch 1
    public void Gradient_checker_catches_the_notebook_bugs(int batch, bool unflippedInputGradient, bool shouldPass)
    {
        ConvSpec spec = ConvolutionTests.Spec(batch, 2, 5, 6, 2, 3, 3, 1, 1, "same");
        var op = new NotebookConvolution(spec, TestData.Uniform(91, spec.WeightShape), unflippedInputGradient);
        GradientCheckReport report = GradientChecker.Check(op, TestData.Uniform(92, spec.InputShape));
        Assert.Equal(2, report.Errors.Count);
        Assert.Equal(shouldPass, report.Passed(GradientChecker.DefaultTolerance));
        if (!shouldPass) Assert.True(report.MaxRelativeError > 0.05, report.ToString());
    }

    // Conv2D(3, 3×3, tanh) → Conv2D(2, 3×2, tanh) → Flatten → Dense(3), input [N, 2, 5, 6].
    private static NeuralNetwork ConvConvNetwork(int threads) => new(
        [
            new Conv2D(3, 3, activation: new Tanh()),
            new Conv2D(2, 3, kernelWidth: 2, activation: new Tanh()),
            new Flatten(),
            new Dense(3),
        ],
        new SoftmaxCrossEntropy(), seed: 5) { Threads = threads };

    private static Tensor Flip(Tensor weight, ConvSpec s)
    {
        var flipped = new Tensor(weight.Shape);
        for (int oc = 0; oc < s.OutChannels * s.InChannels; oc++)
        for (int u = 0; u < s.KernelHeight; u++)
        for (int v = 0; v < s.KernelWidth; v++)
            flipped[(oc * s.KernelHeight + u) * s.KernelWidth + v] =
                weight[(oc * s.KernelHeight + s.KernelHeight - 1 - u) * s.KernelWidth + s.KernelWidth - 1 - v];
        return flipped;
    }

    private static double MaxDifference(double[] a, double[] b) => a.Zip(b, (p, q) => Math.Abs(p - q)).Max();

    /// <summary>
    /// A convolution whose gradients are the notebook's: the (position, batch)/(batch, position)
    /// weight gradient, and optionally the unflipped input gradient. The forward pass is correct.
    /// </summary>
    private sealed class NotebookConvolution(ConvSpec spec, Tensor weight, bool unflippedInputGradient)
        : ParamOperation(new Parameter("weight", weight))
    {
        protected override Tensor ComputeOutput(Tensor input) =>
            ToTensor(NaiveConvolution.Forward(spec, input.Span, Parameter.Value.Span), spec.OutputShape);

        protected override Tensor ComputeInputGradient(Tensor outputGradient) => ToTensor(unflippedInputGradient
            ? NaiveConvolution.NotebookInputGradient(spec, Parameter.Value.Span, outputGradient.Span)
            : NaiveConvolution.InputGradient(spec, Parameter.Value.Span, outputGradient.Span), spec.InputShape);

        protected override void ComputeParameterGradient(Tensor outputGradient)
        {
            double[] dw = NaiveConvolution.NotebookWeightGradient(spec, Input.Span, outputGradient.Span);
            for (int i = 0; i < dw.Length; i++) Parameter.Gradient[i] = (float)dw[i];
        }

        private static Tensor ToTensor(double[] values, int[] shape) => new(values.Select(v => (float)v).ToArray(), shape);
    }
}
