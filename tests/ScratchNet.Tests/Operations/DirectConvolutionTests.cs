using ScratchNet.Kernels;
using ScratchNet.Operations;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// The direct forward pass of stride-1 convolutions with one to four input channels, against the double-precision loops
/// and the im2col path, on output widths that leave a partial group of eight and channel counts that leave a partial block.
/// </summary>
public class DirectConvolutionTests
{
    // At most 4·7·7 = 196 terms of order 1 summed in float.
    private const double Tolerance = 1e-5;

    // batch, in, H, W, out, kernel, padding
    public static TheoryData<int, int, int, int, int, int, string> Cases => new()
    {
        { 3, 1, 28, 28, 16, 5, "same" },    // seed-cnn's layer: 28 columns, three groups of eight and one of four
        { 2, 1, 28, 28, 32, 3, "same" },    // fashion-cnn's and fashion-resnet's first layer
        { 2, 3, 32, 32, 20, 3, "same" },    // a colour image; 20 outputs: a block of four after two of eight
        { 1, 2, 9, 17, 6, 3, "valid" },     // fewer than eight outputs in all; 7×15 outputs
        { 2, 4, 12, 10, 8, 7, "same" },     // a kernel wider than a column group's overhang
        { 2, 1, 11, 13, 9, 3, "0,1,2,0" },  // explicit, uneven padding
    };

    private static Conv2DOperation Operation(Tensor weight, string padding, int threads, bool direct = true) =>
        new(TestData.Parameter("weight", weight), 1, 1, ConvolutionTests.ParsePadding(padding))
        {
            Compute = new ComputeContext(threads),
            AllowDirect = direct,
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_loops_and_im2col_and_not_the_thread_count(int batch, int inC, int h, int w, int outC, int k, string padding)
    {
        Assert.True(DirectConvolution.IsSupported, "this machine lacks AVX2/FMA, so the direct path is not exercised");
        ConvSpec spec = ConvolutionTests.Spec(batch, inC, h, w, outC, k, k, 1, 1, padding);
        Tensor x = TestData.Uniform(31, spec.InputShape), weight = TestData.Uniform(32, spec.WeightShape);
        float[] one = Operation(weight, padding, 1).Forward(x).Span.ToArray();
        Assert.Equal(spec.OutputShape.Aggregate(1, (a, b) => a * b), one.Length);
        TestData.AssertClose(NaiveConvolution.Forward(spec, x.Span, weight.Span), one, Tolerance, "direct forward");
        // im2col's product sums the same terms in the same order, one FMA after another, so even the bits agree.
        Conv2DOperation direct = Operation(weight, padding, 1);
        TestData.AssertBitIdentical(Operation(weight, padding, 1, direct: false).Forward(x).Span, direct.Forward(x).Span, "direct against im2col");
        Assert.Equal(ConvolutionAlgorithm.Direct, direct.LastForwardAlgorithm);
        foreach (int threads in new[] { 2, 3 })
            TestData.AssertBitIdentical(one, Operation(weight, padding, threads).Forward(x).Span, $"{threads} threads");
    }

    [Fact]
    public void New_weights_are_packed_again_and_gradients_stay_exact()
    {
        ConvSpec spec = ConvolutionTests.Spec(2, 1, 10, 10, 9, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(43, spec.InputShape), weight = TestData.Uniform(44, spec.WeightShape);
        Conv2DOperation op = Operation(weight, "same", 1);
        op.Forward(x);
        op.Parameter.Value.Span[40] += 0.5f;   // filter 4: a change in the one block
        Tensor z = op.Forward(x, training: true);
        TestData.AssertClose(NaiveConvolution.Forward(spec, x.Span, op.Parameter.Value.Span), z.Span, Tolerance, "after a weight changed");
        Tensor dz = TestData.Uniform(45, spec.OutputShape);
        Tensor dx = op.Backward(dz)!;
        TestData.AssertClose(NaiveConvolution.InputGradient(spec, op.Parameter.Value.Span, dz.Span), dx.Span, Tolerance, "input gradient");
        TestData.AssertClose(NaiveConvolution.WeightGradient(spec, x.Span, dz.Span), op.Parameter.Gradient.Span, Tolerance, "weight gradient");
    }
}
