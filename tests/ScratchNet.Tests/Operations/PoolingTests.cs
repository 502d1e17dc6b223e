using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>Max, average and global average pooling: against loops over the definition, and gradient-checked.</summary>
public sealed class PoolingTests
{
    // Distinct values spaced 0.05 apart, shuffled: every window has a unique maximum with a margin larger than
    // the checker's 2ε = 0.02, so central differences never cross a tie.
    private static Tensor DistinctValues(int seed, params int[] shape)
    {
        var t = new Tensor(shape);
        float[] values = Enumerable.Range(0, t.Length).Select(i => i * 0.05f - t.Length * 0.025f).ToArray();
        new Random(seed).Shuffle(values);
        values.CopyTo(t.Span);
        return t;
    }

    // The definition as loops: every output is the max (or the mean over the full window) of the inside positions.
    private static float[] NaivePool(PoolingKind kind, Tensor x, ConvGeometry g)
    {
        int planes = x.Dim(0) * x.Dim(1);
        var result = new float[planes * g.OutputPlane];
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < g.OutputHeight; i++)
        for (int j = 0; j < g.OutputWidth; j++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int u = 0; u < g.KernelHeight; u++)
            for (int v = 0; v < g.KernelWidth; v++)
            {
                int y = i * g.StrideHeight + u - g.PadTop, xx = j * g.StrideWidth + v - g.PadLeft;
                if (y < 0 || y >= g.Height || xx < 0 || xx >= g.Width) continue;
                float value = x[(p * g.Height + y) * g.Width + xx];
                max = Math.Max(max, value);
                sum += value;
            }
            result[(p * g.OutputHeight + i) * g.OutputWidth + j] =
                (float)(kind == PoolingKind.Max ? max : sum / (g.KernelHeight * g.KernelWidth));
        }
        return result;
    }

    public static TheoryData<PoolingKind, int, int, int, int, string, int[]> Cases => new()
    {
        { PoolingKind.Max, 2, 2, 2, 2, "valid", [2, 3, 6, 8] },
        { PoolingKind.Max, 3, 3, 2, 2, "same", [1, 2, 5, 7] },
        { PoolingKind.Max, 3, 2, 1, 2, "1,0", [2, 1, 5, 6] },
        { PoolingKind.Average, 2, 2, 2, 2, "valid", [2, 3, 6, 8] },
        { PoolingKind.Average, 3, 3, 2, 2, "same", [1, 2, 5, 7] },
        { PoolingKind.Average, 3, 2, 1, 2, "1,0", [2, 1, 5, 6] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooling_MatchesTheDefinition_AndPassesTheGradientCheck(
        PoolingKind kind, int kh, int kw, int sh, int sw, string padding, int[] shape)
    {
        var op = new PoolingOperation(kind, kh, kw, sh, sw, Padding.Parse(padding)) { Compute = new ComputeContext(2) };
        Tensor x = DistinctValues(7, shape);

        Tensor y = op.Forward(x);
        ConvGeometry g = op.GeometryFor(x.Shape);
        Assert.Equal([shape[0], shape[1], g.OutputHeight, g.OutputWidth], y.Shape.ToArray());
        TestData.AssertClose(NaivePool(kind, x, g), y.Span, 1e-6, $"{kind} pooling forward");

        GradientCheckReport report = GradientChecker.Check(op, x);
        Assert.True(report.Passed(), report.ToString());
    }

    [Fact]
    public void MaxPool_SameOnOddSize_PadsBottomRightAndHasCeilOutput()
    {
        var layer = new MaxPool2D(2, padding: Padding.Same);
        Tensor y = layer.Forward(DistinctValues(1, 1, 1, 5, 7));
        Assert.Equal([1, 1, 3, 4], y.Shape.ToArray());
    }

    [Fact]
    public void MaxPool_Ties_GiveTheWholeGradientToTheFirstMaximumInRowMajorOrder()
    {
        var op = new PoolingOperation(PoolingKind.Max, 2, 2, 2, 2, Padding.Valid);
        var x = new Tensor([1f, 1f, 1f, 1f], 1, 1, 2, 2); // one window, four equal values

        op.Forward(x);
        Tensor dx = op.Backward(new Tensor([3f], 1, 1, 1, 1))!;

        Assert.Equal([3f, 0f, 0f, 0f], dx.Span.ToArray());
    }

    // Two quiet NaNs with different payloads and signs, so that a bit comparison can tell which one won.
    private static readonly float NaNA = BitConverter.Int32BitsToSingle(0x7FC0_0001), NaNB = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_0002));

    // Max pooling with 2×2 windows, stride 2, no padding over one plane, three ways: the general loop
    // (the reference), and the fast path scalar and vectorized; asserts the same output bits and argmax.
    private static void AssertFast2x2MatchesTheGeneralLoop(float[] plane, int h, int w, string what)
    {
        var g = new ConvGeometry(1, h, w, 2, 2, 2, 2, 0, 0, 0, 0);
        int oh = g.OutputHeight, ow = g.OutputWidth;
        Assert.True(Pooling.Uses2x2Path(g), $"{what}: MaxForward should take the 2×2 path");
        var expected = new float[oh * ow];
        var expectedArgMax = new int[oh * ow];
        Pooling.MaxForwardWindows(plane, g, expected, expectedArgMax);
        foreach (bool vectorized in new[] { false, true })
        {
            var actual = new float[oh * ow];
            var actualArgMax = new int[oh * ow];
            Pooling.MaxForward2x2(plane, w, oh, ow, actual, actualArgMax, vectorized);
            for (int k = 0; k < oh * ow; k++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[k]) == BitConverter.SingleToInt32Bits(actual[k]),
                    $"{what}, vectorized={vectorized}, output {k}: expected {expected[k]} (0x{BitConverter.SingleToInt32Bits(expected[k]):X8}), got {actual[k]} (0x{BitConverter.SingleToInt32Bits(actual[k]):X8})");
                Assert.True(expectedArgMax[k] == actualArgMax[k], $"{what}, vectorized={vectorized}, output {k}: argmax {expectedArgMax[k]} expected, got {actualArgMax[k]}");
            }
        }
        // And through the public entry point.
        var viaMaxForward = new float[oh * ow];
        var viaMaxForwardArgMax = new int[oh * ow];
        Pooling.MaxForward(plane, g, viaMaxForward, viaMaxForwardArgMax);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), viaMaxForward.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(expectedArgMax, viaMaxForwardArgMax);
    }

    [Fact]
    public void MaxPool2x2_FastPath_MatchesTheGeneralLoop_OnRandomPlanesWithTiesNaNInfinitiesAndSignedZeros()
    {
        float[] specials = [NaNA, NaNB, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f];
        var random = new Random(2024);
        for (int h = 2; h <= 31; h++)
        for (int w = 2; w <= 33; w++)
        foreach (double specialRate in new[] { 0, 0.05, 0.4 })
        {
            // Values on a coarse grid repeat often, so many windows hold ties (±0 among them).
            var plane = new float[h * w];
            for (int k = 0; k < plane.Length; k++)
                plane[k] = random.NextDouble() < specialRate ? specials[random.Next(specials.Length)] : MathF.Round((float)random.NextDouble() * 6 - 3) / 2;
            AssertFast2x2MatchesTheGeneralLoop(plane, h, w, $"{h}×{w} plane, special rate {specialRate}");
        }
    }

    public static TheoryData<float[], float, int> MaxPool2x2Windows => new()
    {
        { [0f, -0f, 0f, -0f], 0f, 0 },                             // +0 and −0 compare equal: the first wins
        { [-0f, 0f, 0f, 0f], -0f, 0 },
        { [1f, 2f, 2f, 1f], 2f, 1 },                               // a tie goes to the first in row-major order
        { [1f, 1f, 2f, 2f], 2f, 2 },
        { [float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity], float.NegativeInfinity, 0 },
        { [1f, float.PositiveInfinity, float.PositiveInfinity, 3f], float.PositiveInfinity, 1 },
        { [float.PositiveInfinity, 1f, NaNA, NaNB], NaNA, 2 },     // the first NaN wins, even over +∞
        { [NaNB, NaNA, 5f, 6f], NaNB, 0 },
        { [1f, 2f, 3f, NaNA], NaNA, 3 },
    };

    [Theory]
    [MemberData(nameof(MaxPool2x2Windows))]
    public void MaxPool2x2_OneKindOfWindow_GivesTheFirstMaximumOrTheFirstNaN(float[] window, float expected, int windowIndex)
    {
        // A 2×10 plane of five copies of the window [[w0, w1], [w2, w3]]: wide enough for the vectorized steps.
        const int width = 10, count = width / 2;
        var plane = new float[2 * width];
        for (int j = 0; j < count; j++)
            (plane[2 * j], plane[2 * j + 1], plane[width + 2 * j], plane[width + 2 * j + 1]) = (window[0], window[1], window[2], window[3]);
        foreach (bool vectorized in new[] { false, true })
        {
            var output = new float[count];
            var argMax = new int[count];
            Pooling.MaxForward2x2(plane, width, 1, count, output, argMax, vectorized);
            for (int j = 0; j < count; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(output[j]));
                Assert.Equal((windowIndex >> 1) * width + 2 * j + (windowIndex & 1), argMax[j]);
            }
        }
        AssertFast2x2MatchesTheGeneralLoop(plane, 2, width, "window " + string.Join(", ", window));
    }

    [Fact]
    public void AvgPool_Padding_CountsAsZerosInTheDivisor()
    {
        var op = new PoolingOperation(PoolingKind.Average, 2, 2, 2, 2, Padding.Explicit(1, 0, 1, 0));
        var x = new Tensor([4f], 1, 1, 1, 1); // one value, window reaches three padding zeros
        Assert.Equal(1f, op.Forward(x)[0]);
    }

    [Fact]
    public void GlobalAvgPool_AveragesEachChannel_AndPassesTheGradientCheck()
    {
        var layer = new GlobalAvgPool2D();
        Tensor x = TestData.Uniform(3, 2, 3, 4, 5);

        Tensor y = layer.Forward(x);
        Assert.Equal([2, 3], y.Shape.ToArray());
        for (int p = 0; p < 6; p++)
            Assert.Equal(x.Span.Slice(p * 20, 20).ToArray().Average(), y[p], 5);

        GradientCheckReport report = GradientChecker.Check(layer, x);
        Assert.True(report.Passed(), report.ToString());
    }

    [Fact]
    public void PoolingLayers_InANetwork_PassTheNetworkGradientCheck()
    {
        var network = new NeuralNetwork(
            [new Conv2D(3, 3), new MaxPool2D(2), new Conv2D(2, 3, activation: new ScratchNet.Operations.Activations.Tanh()), new AvgPool2D(2, padding: Padding.Same), new Flatten(), new Dense(4)],
            new ScratchNet.Losses.SoftmaxCrossEntropy(), seed: 3);
        Tensor x = DistinctValues(5, 2, 1, 8, 10);
        // The first conv's outputs are not spaced apart like the input, so a weight step of ε may swap a
        // max-pool winner; ε = 1e-3 keeps the steps below the gaps between window maxima here.
        GradientCheckReport report = GradientChecker.Check(network, x, TestData.OneHot(1, 2, 4), epsilon: 1e-3f);
        Assert.True(report.Passed(), report.ToString());
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(2, 0)]
    public void PoolingLayer_BadSizes_AreRejectedWithTheValue(int size, int? stride)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2D(size, stride));
        Assert.Contains("got 0", e.Message);
    }

    [Fact]
    public void PoolingLayer_PaddingAsWideAsTheWindow_IsRejected()
    {
        // Such a window could lie entirely in the padding and give −∞ (PyTorch refuses it too).
        var e = Assert.Throws<ShapeMismatchException>(() => new MaxPool2D(2, padding: Padding.Explicit(2, 0)).Forward(new Tensor(1, 1, 4, 4)));
        Assert.Contains("less padding than the window", e.Message);
    }

    [Fact]
    public void PoolingLayer_WindowLargerThanInput_SaysSo()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new MaxPool2D(5).Forward(new Tensor(1, 1, 3, 3)));
        Assert.Contains("does not fit", e.Message);
    }
}
