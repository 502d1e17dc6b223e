using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Operations;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// Conv2DOperation and the Conv2D layer against <see cref="NaiveConvolution"/>, the notebook's formula as
/// loops, for the forward pass and both gradients, on shapes the notebook could not handle.
/// </summary>
public class ConvolutionTests
{
    // Loop sums in double vs. float32 GEMM sums over ≤ ~150 terms of order 1.
    private const double Tolerance = 1e-4;

    // batch, in, H, W, out, KH, KW, stride H, stride W, padding, expected OH, expected OW
    private static readonly object[][] Cases =
    [
        [1, 1, 5, 7, 2, 3, 3, 1, 1, "same", 5, 7],           // non-square, odd kernel
        [3, 2, 5, 7, 3, 3, 3, 2, 2, "same", 3, 4],           // stride 2: ⌈5/2⌉ × ⌈7/2⌉
        [3, 2, 6, 5, 2, 2, 2, 1, 1, "same", 6, 5],           // even kernel: the extra zero goes bottom/right
        [2, 3, 8, 6, 2, 4, 4, 2, 2, "same", 4, 3],           // even kernel 4×4, stride 2
        [3, 2, 6, 7, 2, 4, 4, 1, 1, "same", 6, 7],           // 4×4 kernel: 1 zero above, 2 below
        [3, 2, 5, 7, 3, 3, 2, 1, 1, "valid", 3, 6],          // asymmetric 3×2 kernel
        [1, 2, 5, 7, 2, 3, 2, 2, 1, "1,2", 3, 10],           // explicit 1 row / 2 columns, stride (2, 1)
        [3, 2, 5, 6, 2, 3, 3, 2, 3, "0,1,2,0", 2, 2],        // explicit per side, stride (2, 3)
        [3, 1, 7, 5, 4, 5, 5, 1, 1, "same", 7, 5],           // the notebook's 5×5 "same" kernel
        [2, 2, 7, 9, 3, 3, 3, 2, 2, "valid", 3, 4],          // valid, stride 2
        [3, 2, 5, 5, 2, 1, 1, 2, 2, "same", 3, 3],           // kernel smaller than stride
    ];

    public static IEnumerable<object[]> CasesAndThreads() =>
        from c in Cases from threads in new[] { 1, 2 } select c.Append(threads).ToArray();

    public static IEnumerable<object[]> LayerCases() =>
        from i in new[] { 1, 2, 6, 7 } from threads in new[] { 1, 2 } select Cases[i].Append(threads).ToArray();

    internal static Padding ParsePadding(string text)
    {
        string[] parts = text.Split(',');
        return parts.Length == 4
            ? Padding.Explicit(int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]), int.Parse(parts[3]))
            : Padding.Parse(text);
    }

    internal static ConvSpec Spec(int batch, int inC, int h, int w, int outC, int kh, int kw, int sh, int sw, string padding)
    {
        (int top, int bottom, int left, int right) = padding switch
        {
            "valid" => (0, 0, 0, 0),
            "same" => Same(h, kh, sh, w, kw, sw),
            _ => Explicit(padding.Split(',').Select(int.Parse).ToArray()),
        };
        return new ConvSpec(batch, inC, h, w, outC, kh, kw, sh, sw, top, bottom, left, right);

        static (int, int, int, int) Same(int h, int kh, int sh, int w, int kw, int sw)
        {
            var (t, b) = ConvSpec.SamePadding(h, kh, sh);
            var (l, r) = ConvSpec.SamePadding(w, kw, sw);
            return (t, b, l, r);
        }

        static (int, int, int, int) Explicit(int[] p) => p.Length == 2 ? (p[0], p[0], p[1], p[1]) : (p[0], p[1], p[2], p[3]);
    }

    [Theory]
    [MemberData(nameof(CasesAndThreads))]
    public void Operation_matches_naive_loops_forward_and_both_gradients(
        int batch, int inC, int h, int w, int outC, int kh, int kw, int sh, int sw, string padding, int expectedOH, int expectedOW, int threads)
    {
        ConvSpec spec = Spec(batch, inC, h, w, outC, kh, kw, sh, sw, padding);
        Assert.Equal([batch, outC, expectedOH, expectedOW], spec.OutputShape); // the test's own geometry agrees with the literal
        Tensor x = TestData.Uniform(11, spec.InputShape);
        Tensor weight = TestData.Uniform(12, spec.WeightShape);
        var op = new Conv2DOperation(TestData.Parameter("weight", weight), sh, sw, ParsePadding(padding))
        {
            Compute = new ComputeContext(threads),
        };

        Tensor z = op.Forward(x, training: true);
        Assert.Equal([batch, outC, expectedOH, expectedOW], z.Shape.ToArray());
        TestData.AssertClose(NaiveConvolution.Forward(spec, x.Span, weight.Span), z.Span, Tolerance, "forward");

        Tensor dz = TestData.Uniform(13, z.Shape.ToArray());
        Tensor? dx = op.Backward(dz);
        Assert.NotNull(dx);
        Assert.Equal(spec.InputShape, dx.Shape.ToArray());
        TestData.AssertClose(NaiveConvolution.InputGradient(spec, weight.Span, dz.Span), dx.Span, Tolerance, "input gradient");
        TestData.AssertClose(NaiveConvolution.WeightGradient(spec, x.Span, dz.Span), op.Parameter.Gradient.Span, Tolerance, "weight gradient");
    }

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Layer_with_bias_matches_naive_loops(
        int batch, int inC, int h, int w, int outC, int kh, int kw, int sh, int sw, string padding, int expectedOH, int expectedOW, int threads)
    {
        ConvSpec spec = Spec(batch, inC, h, w, outC, kh, kw, sh, sw, padding);
        var layer = new Conv2D(outC, kh, sh, ParsePadding(padding), bias: true, kernelWidth: kw, strideWidth: sw)
        {
            Compute = new ComputeContext(threads),
        };
        layer.Build([inC, h, w]);
        Assert.Equal(["weight", "bias"], layer.Parameters.Select(p => p.Name));
        Parameter weight = layer.Parameters[0], bias = layer.Parameters[1];
        Assert.Equal(spec.WeightShape, weight.Value.Shape.ToArray());
        TestData.Uniform(21, spec.WeightShape).Span.CopyTo(weight.Value.Span);
        TestData.Uniform(22, outC).Span.CopyTo(bias.Value.Span);
        Assert.Equal([outC, expectedOH, expectedOW], layer.OutputSampleShape([inC, h, w]));

        Tensor x = TestData.Uniform(23, spec.InputShape);
        Tensor z = layer.Forward(x, training: true);
        Assert.Equal([batch, outC, expectedOH, expectedOW], z.Shape.ToArray());
        TestData.AssertClose(NaiveConvolution.Forward(spec, x.Span, weight.Value.Span, bias.Value.Span), z.Span, Tolerance, "forward");

        Tensor dz = TestData.Uniform(24, z.Shape.ToArray());
        Tensor? dx = layer.Backward(dz);
        Assert.NotNull(dx);
        TestData.AssertClose(NaiveConvolution.InputGradient(spec, weight.Value.Span, dz.Span), dx.Span, Tolerance, "input gradient");
        TestData.AssertClose(NaiveConvolution.WeightGradient(spec, x.Span, dz.Span), weight.Gradient.Span, Tolerance, "weight gradient");
        TestData.AssertClose(NaiveConvolution.BiasGradient(spec, dz.Span), bias.Gradient.Span, Tolerance, "bias gradient");
    }

    [Fact]
    public void Same_padding_puts_the_extra_zero_at_the_bottom_and_right()
    {
        // A 2×2 kernel of ones with "same" padding on a 3×3 image: z[i,j] = x[i,j] + x[i,j+1] + x[i+1,j] + x[i+1,j+1]
        // with zeros past the last row and column (TensorFlow's convention), not before the first.
        var weight = new Parameter("weight", Tensor.FromArray([1, 1, 1, 1], 1, 1, 2, 2));
        var op = new Conv2DOperation(weight, 1, 1, Padding.Same);
        Tensor x = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3);
        Tensor z = op.Forward(x);
        Assert.Equal([1, 1, 3, 3], z.Shape.ToArray());
        Assert.Equal([12f, 16f, 9f, 24f, 28f, 15f, 15f, 17f, 9f], z.Span.ToArray());
    }

    [Fact]
    public void Operation_reuses_buffers_across_batch_sizes_without_mixing_results()
    {
        ConvSpec spec = Spec(3, 2, 5, 6, 3, 3, 3, 1, 1, "same");
        Tensor x3 = TestData.Uniform(31, spec.InputShape);
        Tensor weight = TestData.Uniform(32, spec.WeightShape);
        var op = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same) { Compute = new ComputeContext(2) };

        float[] full = op.Forward(x3).Span.ToArray();
        var x1 = new Tensor(x3.Span[..x3.SampleLength].ToArray(), 1, 2, 5, 6);
        Tensor z1 = op.Forward(x1, training: true);
        Assert.Equal([1, 3, 5, 6], z1.Shape.ToArray());
        TestData.AssertBitIdentical(full.AsSpan(0, z1.Length), z1.Span, "first image alone vs. in a batch of 3");

        Tensor dz1 = TestData.Uniform(33, 1, 3, 5, 6);
        Tensor? dx1 = op.Backward(dz1);
        Assert.NotNull(dx1);
        Assert.Equal([1, 2, 5, 6], dx1.Shape.ToArray());
        ConvSpec one = spec with { Batch = 1 };
        TestData.AssertClose(NaiveConvolution.WeightGradient(one, x1.Span, dz1.Span), op.Parameter.Gradient.Span, Tolerance, "weight gradient at batch 1");
        TestData.AssertClose(NaiveConvolution.InputGradient(one, weight.Span, dz1.Span), dx1.Span, Tolerance, "input gradient at batch 1");

        Tensor again = op.Forward(x3);
        TestData.AssertBitIdentical(full, again.Span, "batch of 3 after a batch of 1");
    }

    [Fact]
    public void Thread_count_does_not_change_forward_or_input_gradient_bits()
    {
        ConvSpec spec = Spec(5, 2, 6, 7, 3, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(41, spec.InputShape), weight = TestData.Uniform(42, spec.WeightShape);
        Tensor dz = TestData.Uniform(43, spec.OutputShape);
        (float[] Z, float[] Dx, float[] Dw) Run(int threads)
        {
            var op = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same) { Compute = new ComputeContext(threads) };
            float[] z = op.Forward(x, training: true).Span.ToArray();
            float[] dx = op.Backward(dz)!.Span.ToArray();
            return (z, dx, op.Parameter.Gradient.Span.ToArray());
        }
        var one = Run(1);
        var two = Run(2);
        var twoAgain = Run(2);
        TestData.AssertBitIdentical(one.Z, two.Z, "forward, 1 vs 2 threads");
        TestData.AssertBitIdentical(one.Dx, two.Dx, "input gradient, 1 vs 2 threads");
        TestData.AssertClose(one.Dw, two.Dw, Tolerance, "weight gradient, 1 vs 2 threads");
        TestData.AssertBitIdentical(two.Dw, twoAgain.Dw, "weight gradient, 2 threads twice");
    }

    [Fact]
    public void Thread_count_may_change_between_forward_and_backward()
    {
        // NeuralNetwork.Threads and Layer.Compute are public setters; raising the thread count after a
        // forward pass must not leave the backward pass without scratch space for the extra workers.
        ConvSpec spec = Spec(4, 2, 5, 6, 3, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(44, spec.InputShape), weight = TestData.Uniform(45, spec.WeightShape);
        Tensor dz = TestData.Uniform(46, spec.OutputShape);
        var op = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, Padding.Same);
        op.Forward(x, training: true);
        op.Compute = new ComputeContext(2);
        Tensor? dx = op.Backward(dz);
        TestData.AssertClose(NaiveConvolution.WeightGradient(spec, x.Span, dz.Span), op.Parameter.Gradient.Span, Tolerance, "weight gradient");
        TestData.AssertClose(NaiveConvolution.InputGradient(spec, weight.Span, dz.Span), dx!.Span, Tolerance, "input gradient");
    }
}
