using ScratchNet.Kernels;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// The Winograd F(2×2, 3×3) passes of 3×3 stride-1 convolutions with 16 or more channels — forward, input gradient and
/// weight gradient — against the double-precision loops and against the im2col path, on geometries that leave partial
/// tiles and partial groups of eight.
/// </summary>
public class WinogradConvolutionTests
{
    // 144 to 288 terms of order 1 summed in float, through transforms that add up to nine of them.
    private const double Tolerance = 2e-4;

    // batch, in, H, W, out, padding
    public static TheoryData<int, int, int, int, int, string> Cases => new()
    {
        { 3, 16, 7, 7, 16, "same" },        // 4×4 tiles for a 7×7 output: the last tile row and column half outside
        { 2, 16, 28, 28, 16, "same" },      // 14 tile columns: a group of eight and one of six
        { 5, 16, 14, 14, 24, "same" },
        { 1, 24, 9, 17, 16, "same" },       // not square; a single image (its products split across threads)
        { 3, 16, 10, 12, 20, "valid" },     // 8×10 outputs
        { 2, 16, 5, 6, 16, "0,1,2,0" },     // explicit, uneven padding
        { 4, 32, 3, 3, 16, "same" },        // one tile per image
        { 2, 16, 33, 40, 16, "same" },      // 17 × 20 tiles: several groups, odd rows
        { 3, 16, 9, 8, 16, "same" },        // four tile columns (two tile rows per vector) and an odd fifth tile row
        { 2, 16, 10, 9, 16, "valid" },      // 8×7 outputs: paired tile rows whose output rows end one short of a vector
        { 2, 16, 14, 13, 16, "2,2,0,0" },   // 16×11 outputs, wide explicit padding: six tile columns, eight tile rows
        { 5, 16, 28, 28, 16, "same" },      // groups of three images and then two (Winograd3x3.ImagesPerGroup)
        { 3, 20, 14, 14, 16, "same" },      // 20 channels in, not whole vectors of eight: the tile-innermost weight gradient
    };

    private static Conv2DOperation Operation(Tensor weight, string padding, int threads, bool winograd = true) =>
        new(TestData.Parameter("weight", weight), 1, 1, ConvolutionTests.ParsePadding(padding))
        {
            Compute = new ComputeContext(threads),
            AllowWinograd = winograd,
            WinogradMinOutputSize = 1,   // small outputs too: they have the partial tiles
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_gradients_match_the_loops_and_the_im2col_path(int batch, int inC, int h, int w, int outC, string padding)
    {
        Assert.True(Winograd3x3.IsSupported, "this machine lacks AVX2, so the Winograd path is not exercised");
        ConvSpec spec = ConvolutionTests.Spec(batch, inC, h, w, outC, 3, 3, 1, 1, padding);
        Tensor x = TestData.Uniform(51, spec.InputShape), weight = TestData.Uniform(52, spec.WeightShape);
        double[] expected = NaiveConvolution.Forward(spec, x.Span, weight.Span);
        foreach (int threads in new[] { 1, 2 })
        {
            Conv2DOperation op = Operation(weight, padding, threads);
            Tensor z = op.Forward(x, training: true);
            Assert.Equal(spec.OutputShape, z.Shape.ToArray());
            TestData.AssertClose(expected, z.Span, Tolerance, $"Winograd forward, {threads} thread(s)");
            float[] im2col = Operation(weight, padding, threads, winograd: false).Forward(x).Span.ToArray();
            TestData.AssertClose(im2col, z.Span, Tolerance, "Winograd against im2col");

            // Both gradients go through the transforms too: the input gradient as a convolution with the turned filters,
            // the weight gradient with the tiles as the products' inner dimension.
            Tensor dz = TestData.Uniform(53, spec.OutputShape);
            Tensor dx = op.Backward(dz)!;
            TestData.AssertClose(NaiveConvolution.InputGradient(spec, weight.Span, dz.Span), dx.Span, Tolerance, "input gradient");
            TestData.AssertClose(NaiveConvolution.WeightGradient(spec, x.Span, dz.Span), op.Parameter.Gradient.Span, Tolerance, "weight gradient");
            Conv2DOperation reference = Operation(weight, padding, threads, winograd: false);
            reference.Forward(x, training: true);
            reference.Backward(dz);
            TestData.AssertClose(reference.Parameter.Gradient.Span.ToArray(), op.Parameter.Gradient.Span, Tolerance, "weight gradient against im2col");
        }
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(7, true)]
    public void Outputs_smaller_than_seven_use_im2col(int size, bool winograd)
    {
        // The forward pass itself tells: Winograd's sums differ from im2col's in the last bits, im2col's match it exactly.
        ConvSpec spec = ConvolutionTests.Spec(2, 16, size, size, 16, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(91, spec.InputShape), weight = TestData.Uniform(92, spec.WeightShape);
        var byDefault = new Conv2DOperation(TestData.Parameter("weight", weight), 1, 1, ConvolutionTests.ParsePadding("same"));
        float[] im2col = Operation(weight, "same", 1, winograd: false).Forward(x).Span.ToArray();
        Assert.Equal(!winograd, byDefault.Forward(x).Span.SequenceEqual(im2col));
    }

    [Theory]
    [InlineData(16, 128, 128, 64, 4)]   // fashion-resnet's 7×7 stage: V and M of four images make 1 MiB
    [InlineData(49, 64, 64, 64, 3)]     // its 14×14 stage
    [InlineData(196, 32, 32, 64, 2)]    // its 28×28 stage
    [InlineData(16, 8, 8, 64, 36)]      // few channels: 576 tiles, the most a product takes
    [InlineData(16, 16, 16, 5, 5)]      // never more images than the worker has
    [InlineData(1024, 256, 256, 8, 1)]  // at least one image
    public void Images_per_group_keep_the_scratch_near_the_cache(int tiles, int inChannels, int outChannels, int available, int expected) =>
        Assert.Equal(expected, Winograd3x3.ImagesPerGroup(tiles, inChannels, outChannels, available));

    [Fact]
    public void Thread_count_does_not_change_the_bits()
    {
        ConvSpec spec = ConvolutionTests.Spec(7, 16, 14, 14, 16, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(61, spec.InputShape), weight = TestData.Uniform(62, spec.WeightShape);
        float[] one = Operation(weight, "same", 1).Forward(x).Span.ToArray();
        float[] two = Operation(weight, "same", 2).Forward(x).Span.ToArray();
        float[] three = Operation(weight, "same", 3).Forward(x).Span.ToArray();
        TestData.AssertBitIdentical(one, two, "1 vs 2 threads");
        TestData.AssertBitIdentical(one, three, "1 vs 3 threads");
        // An image alone gives the bits it gets in the batch.
        var first = new Tensor(x.Span[..x.SampleLength].ToArray(), [1, .. spec.InputShape[1..]]);
        TestData.AssertBitIdentical(one.AsSpan(0, spec.OutputShape[1..].Aggregate(1, (a, b) => a * b)), Operation(weight, "same", 2).Forward(first).Span, "one image");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Weight_gradient_has_the_same_bits_on_every_run_at_a_thread_count(int threads)
    {
        // 64 images of 7×7 with 64 channels: eight images per group, eight groups, so 8 parts whose sums are added in
        // order, whichever worker took which part.
        ConvSpec spec = ConvolutionTests.Spec(64, 64, 7, 7, 64, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(91, spec.InputShape), weight = TestData.Uniform(92, spec.WeightShape), dz = TestData.Uniform(93, spec.OutputShape);
        Conv2DOperation op = Operation(weight, "same", threads);
        float[]? first = null;
        for (int run = 0; run < 8; run++)
        {
            op.Forward(x, training: true);
            op.Backward(dz);
            float[] gradient = op.Parameter.Gradient.Span.ToArray();
            if (first is null) first = gradient;
            else TestData.AssertBitIdentical(first, gradient, $"run {run} against run 0, {threads} threads");
        }
        TestData.AssertClose(NaiveConvolution.WeightGradient(spec, x.Span, dz.Span), first!, Tolerance, "weight gradient");
    }

    [Theory]
    [InlineData(32, 32, true)]     // fashion-cnn's and fashion-resnet's 28×28 layers
    [InlineData(32, 64, true)]
    [InlineData(64, 64, true)]
    [InlineData(128, 128, true)]
    [InlineData(512, 256, false)]  // more than measured
    [InlineData(16, 20, false)]    // not whole vectors of eight channels
    [InlineData(20, 16, false)]
    public void Few_channels_in_whole_vectors_take_the_channels_last_weight_gradient(int inChannels, int outChannels, bool expected) =>
        Assert.Equal(expected, Winograd3x3.UsesChannelsLastWeightGradient(inChannels, outChannels));

    [Theory]
    [InlineData(16, 7, 7, 8, 1, 1, 1, 1)]     // 4×4 tiles, half of the last row and column outside; 49 pixels, a partial eight
    [InlineData(8, 9, 17, 24, 1, 1, 1, 1)]    // not square, the eight pixels of a copy run over the ends of rows
    [InlineData(16, 10, 12, 8, 0, 0, 0, 0)]   // valid: 8×10 outputs
    [InlineData(8, 14, 13, 16, 2, 0, 2, 0)]   // uneven explicit padding, odd output width
    public unsafe void Channels_last_transforms_give_the_bits_of_the_tile_innermost_ones(int channels, int height, int width, int outChannels, int top, int left, int bottom, int right)
    {
        const int Images = 3;
        var g = new ConvGeometry(channels, height, width, 3, 3, 1, 1, top, left, bottom, right);
        var (rows, columns) = Winograd3x3.Tiles(g);
        int tiles = rows * columns, all = Images * tiles, ld = all + 8;
        float[] x = TestData.Uniform(101, Images, channels, height, width).Span.ToArray();
        float[] dz = TestData.Uniform(102, Images, outChannels, g.OutputHeight, g.OutputWidth).Span.ToArray();
        float[] plane = new float[Math.Max(Winograd3x3.PaddedLength(g), Winograd3x3.PaddedGradientLength(g))];
        float[] v = new float[16 * channels * ld], u = new float[16 * outChannels * ld];
        Winograd3x3.TransformInput(x, Images, g, plane, v, ld);
        Winograd3x3.TransformOutputGradient(dz, Images, outChannels, g, plane, u, ld);

        var (ph, pw) = Winograd3x3.PaddedChannelsLastSize(g);
        var (qh, qw) = Winograd3x3.GradientChannelsLastSize(g);
        int imageStride = ph * pw * channels, gradientStride = qh * qw * outChannels;
        // Zeroed, as the weight gradient clears them: what the copies leave alone is the padding.
        float[] padded = new float[Images * imageStride], gradients = new float[Images * gradientStride];
        float[] vLast = new float[16 * all * channels], uLast = new float[16 * all * outChannels];
        fixed (float* px = x, pdz = dz, pp = padded, pg = gradients, pv = vLast, pu = uLast)
        {
            for (int n = 0; n < Images; n++)
            {
                Winograd3x3.ToChannelsLast(px + n * g.ImageLength, channels, height, width, pp + n * imageStride, pw, top, left);
                Winograd3x3.ToChannelsLast(pdz + n * outChannels * g.OutputPlane, outChannels, g.OutputHeight, g.OutputWidth, pg + n * gradientStride, qw, 0, 0);
            }
            // In two bands, the second starting inside an image.
            int split = tiles + tiles / 2;
            Winograd3x3.TransformInputChannelsLast(pp, imageStride, g, 0, split, pv, all * channels);
            Winograd3x3.TransformInputChannelsLast(pp, imageStride, g, split, all - split, pv + split * channels, all * channels);
            Winograd3x3.TransformOutputGradientChannelsLast(pg, gradientStride, outChannels, g, 0, split, pu, all * outChannels, all);
            Winograd3x3.TransformOutputGradientChannelsLast(pg, gradientStride, outChannels, g, split, all - split, pu + split * 8, all * outChannels, all);
        }
        // The same additions in the same order: the same bits, only the layout differs (Ŷ in panels of eight channels).
        for (int xi = 0; xi < 16; xi++)
            for (int t = 0; t < all; t++)
            {
                for (int c = 0; c < channels; c++)
                    Assert.Equal(v[(xi * channels + c) * ld + t], vLast[(xi * all + t) * channels + c]);
                for (int o = 0; o < outChannels; o++)
                    Assert.Equal(u[(xi * outChannels + o) * ld + t], uLast[xi * all * outChannels + o / 8 * 8 * all + t * 8 + o % 8]);
            }
    }

    [Fact]
    public void New_weights_are_transformed_again()
    {
        // The transformed filters are kept while the weights stay the same (inference); an optimizer step changes them.
        ConvSpec spec = ConvolutionTests.Spec(2, 16, 6, 6, 16, 3, 3, 1, 1, "same");
        Tensor x = TestData.Uniform(71, spec.InputShape), weight = TestData.Uniform(72, spec.WeightShape);
        Conv2DOperation op = Operation(weight, "same", 1);
        op.Forward(x);
        op.Parameter.Value.Span[17] += 0.5f;
        Tensor z = op.Forward(x);
        TestData.AssertClose(NaiveConvolution.Forward(spec, x.Span, op.Parameter.Value.Span), z.Span, Tolerance, "after a weight changed");
    }

    [Fact]
    public void Passes_the_numerical_gradient_check()
    {
        ConvSpec spec = ConvolutionTests.Spec(2, 16, 5, 5, 16, 3, 3, 1, 1, "same");
        Conv2DOperation op = Operation(TestData.Uniform(81, spec.WeightShape), "same", 2);
        GradientCheckReport report = GradientChecker.Check(op, TestData.Uniform(82, spec.InputShape));
        Assert.True(report.Passed(), report.ToString());
    }
}
