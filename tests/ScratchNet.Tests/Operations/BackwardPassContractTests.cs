using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// Where an operation's backward pass is written: <c>ComputeInputGradient</c> (and <c>ComputeParameterGradient</c>),
/// or, for a fused operation, the whole pass in <c>ComputeGradients</c>. An operation that writes neither is told so.
/// </summary>
public sealed class BackwardPassContractTests
{
    [Fact]
    public void A_fused_operation_written_in_ComputeGradients_alone_passes_the_gradient_check()
    {
        var op = new FusedScale(TestData.Parameter("weight", TestData.Uniform(1, 3)));
        var report = GradientChecker.Check(op, TestData.Uniform(2, 4, 3));
        Assert.True(report.Passed(GradientChecker.DefaultTolerance), report.ToString());
    }

    [Fact]
    public void A_fused_operation_fills_its_parameter_gradient_when_no_input_gradient_is_wanted()
    {
        var op = new FusedScale(TestData.Parameter("weight", TestData.Uniform(1, 3))) { ComputesInputGradient = false };
        Tensor x = TestData.Uniform(2, 4, 3), dy = TestData.Uniform(3, 4, 3);
        op.Forward(x, training: true);
        Assert.Null(op.Backward(dy));
        float expected = 0;
        for (int n = 0; n < 4; n++) expected += dy[n * 3 + 1] * x[n * 3 + 1];
        Assert.Equal(expected, op.Parameter.Gradient[1], 5);
    }

    [Fact]
    public void An_operation_without_a_backward_pass_says_which_method_to_write()
    {
        var op = new ForwardOnly();
        op.Forward(TestData.Uniform(1, 2, 3));
        var e = Assert.Throws<NotSupportedException>(() => op.Backward(TestData.Uniform(2, 2, 3)));
        Assert.Equal("ForwardOnly has no backward pass: override ComputeInputGradient, or ComputeGradients for a fused one.", e.Message);
    }

    [Fact]
    public void A_parameter_operation_without_a_parameter_gradient_says_which_method_to_write()
    {
        var op = new NoParameterGradient(TestData.Parameter("weight", TestData.Uniform(1, 3)));
        op.Forward(TestData.Uniform(1, 2, 3));
        var e = Assert.Throws<NotSupportedException>(() => op.Backward(TestData.Uniform(2, 2, 3)));
        Assert.StartsWith("NoParameterGradient has no parameter gradient", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backward_pass_that_returns_no_input_gradient_when_one_is_wanted_is_refused()
    {
        var op = new FusedScale(TestData.Parameter("weight", TestData.Uniform(1, 3))) { ForgetInputGradient = true };
        op.Forward(TestData.Uniform(1, 2, 3));
        var e = Assert.Throws<InvalidOperationException>(() => op.Backward(TestData.Uniform(2, 2, 3)));
        Assert.Equal("FusedScale: the backward pass returned no input gradient.", e.Message);
    }

    // y[n, f] = w[f]·x[n, f]; backward in one loop: dw[f] = Σₙ dy·x and dx = w·dy.
    private sealed class FusedScale(Parameter weight) : ParamOperation(weight)
    {
        public bool ForgetInputGradient { get; init; }

        protected override Tensor ComputeOutput(Tensor input)
        {
            Tensor y = OutputBuffer(input.Shape);
            for (int i = 0; i < input.Length; i++) y[i] = Parameter.Value[i % input.SampleLength] * input[i];
            return y;
        }

        protected override Tensor? ComputeGradients(Tensor outputGradient)
        {
            Tensor? dx = ComputesInputGradient && !ForgetInputGradient ? InputGradientBuffer() : null;
            Parameter.Gradient.Span.Clear();
            for (int i = 0; i < outputGradient.Length; i++)
            {
                int f = i % outputGradient.SampleLength;
                Parameter.Gradient[f] += outputGradient[i] * Input[i];
                if (dx is not null) dx[i] = Parameter.Value[f] * outputGradient[i];
            }
            return dx;
        }
    }

    private sealed class ForwardOnly : Operation
    {
        protected override Tensor ComputeOutput(Tensor input) => input;
    }

    private sealed class NoParameterGradient(Parameter weight) : ParamOperation(weight)
    {
        protected override Tensor ComputeOutput(Tensor input) => input;

        protected override Tensor ComputeInputGradient(Tensor outputGradient) => outputGradient;
    }
}
