using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// The fused bias + activation: gradient checks, and the same bits as the two operations it replaces; the
/// element-wise operations split among threads give the same bits at any thread count.
/// </summary>
public class FusedOperationTests
{
    public static TheoryData<string> ActivationNames => ["relu", "tanh", "sigmoid", "gelu", "elu", "leaky_relu"];

    private static Activation Create(string name) => name switch
    {
        "relu" => new ReLU(),
        "tanh" => new Tanh(),
        "sigmoid" => new Sigmoid(),
        "gelu" => new GELU(),
        "elu" => new ELU(),
        _ => new LeakyReLU(),
    };

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void BiasActivation_gradients_are_right_for_rank_2_and_rank_4(string activation)
    {
        var dense = new BiasActivation(TestData.Parameter("bias", TestData.Uniform(1, 4)), Create(activation));
        OperationGradientTests.AssertPasses(GradientChecker.Check(dense, AwayFromKinks(TestData.Uniform(2, 3, 4), dense)), "input", "bias");
        var conv = new BiasActivation(TestData.Parameter("bias", TestData.Uniform(3, 3)), Create(activation));
        OperationGradientTests.AssertPasses(GradientChecker.Check(conv, AwayFromKinks(TestData.Uniform(4, 2, 3, 4, 5), conv)), "input", "bias");
    }

    // Moves inputs whose biased value x + b lies near 0, where (leaky) ReLU bends, so finite differences do not straddle the bend.
    private static Tensor AwayFromKinks(Tensor x, BiasActivation op)
    {
        int channels = x.Dim(1), plane = x.SampleLength / channels;
        for (int i = 0; i < x.Length; i++)
            if (MathF.Abs(x[i] + op.Parameter.Value[i / plane % channels]) < 0.1f) x[i] += 0.3f;
        return x;
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void BiasActivation_gives_the_bits_of_BiasAdd_then_the_activation_at_one_and_two_threads(string activation)
    {
        // 6·16·20·20 = 38,400 values: large enough to be split among threads.
        Tensor x = TestData.Uniform(5, -3f, 3f, 6, 16, 20, 20), dy = TestData.Uniform(6, 6, 16, 20, 20), bias = TestData.Uniform(7, 16);
        var biasAdd = new BiasAdd(TestData.Parameter("bias", bias));
        Operation separate = Create(activation);
        Tensor expected = separate.Forward(biasAdd.Forward(x, training: true), training: true).Clone();
        Tensor expectedDx = biasAdd.Backward(separate.Backward(dy)!)!.Clone();

        foreach (int threads in new[] { 1, 2 })
        {
            var fused = new BiasActivation(TestData.Parameter("bias", bias), Create(activation)) { Compute = new ComputeContext(threads) };
            Assert.Equal(expected.Span.ToArray(), fused.Forward(x, training: true).Span.ToArray());
            Assert.Equal(expectedDx.Span.ToArray(), fused.Backward(dy)!.Span.ToArray());
            Assert.Equal(biasAdd.Parameter.Gradient.Span.ToArray(), fused.Parameter.Gradient.Span.ToArray());
        }
    }

    [Fact]
    public void Layers_fuse_element_wise_activations_only()
    {
        static IEnumerable<string> Names(Layer layer, params int[] input)
        {
            layer.Build(input);
            return layer.Operations.Select(o => o.GetType().Name);
        }
        Assert.Equal(["WeightMultiply", "BiasActivation"], Names(new Dense(3, new ReLU()), 4));
        Assert.Equal(["WeightMultiply", "BiasAdd", "Linear"], Names(new Dense(3), 4));
        Assert.Equal(["WeightMultiply", "BiasAdd", "Softmax"], Names(new Dense(3, new Softmax()), 4));
        Assert.Equal(["WeightMultiply", "Tanh"], Names(new Dense(3, new Tanh(), bias: false), 4));
        Assert.Equal(["Conv2DOperation", "BiasActivation", "FlattenOperation"], Names(new Conv2D(2, 3, activation: new Tanh(), flatten: true), 1, 5, 5));
        Assert.Equal(["BatchNormalization", "ChannelScale", "BiasActivation"], Names(new BatchNorm(activation: new ReLU()), 3));
        Assert.Equal(["BatchNormalization", "ChannelScale", "BiasAdd", "Linear"], Names(new BatchNorm(), 3));
        Assert.Equal(["FusedBatchNorm"], Names(new BatchNorm(activation: new ReLU()), 3, 4, 4));
        Assert.Equal(["FusedBatchNorm"], Names(new BatchNorm(), 3, 4, 4));
        Assert.Equal(["BatchNormalization", "ChannelScale", "BiasActivation"], Names(new BatchNorm(activation: new GELU()), 3, 4, 4));
    }

    [Theory]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 2, 3, 4, 5 })]
    public void BatchNorm_with_an_activation_passes_the_gradient_check(int[] shape)
    {
        var layer = new BatchNorm(activation: new GELU());
        layer.Build(shape.AsSpan(1));
        TestData.Uniform(6, 0.5f, 2f, shape[1]).Span.CopyTo(layer.Parameters[0].Value.Span);
        TestData.Uniform(7, shape[1]).Span.CopyTo(layer.Parameters[1].Value.Span);
        OperationGradientTests.AssertPasses(GradientChecker.Check(layer, TestData.Uniform(8, -2f, 2f, shape)), "input", "weight", "bias");
    }

    public static TheoryData<string> SplitOperations => ["bias", "scale", "dropout", "batchnorm"];

    private static Operation CreateSplit(string name, int threads)
    {
        Operation op = name switch
        {
            "bias" => new BiasAdd(TestData.Parameter("bias", TestData.Uniform(11, 16))),
            "scale" => new ChannelScale(TestData.Parameter("weight", TestData.Uniform(12, 16))),
            "dropout" => new DropoutOperation(0.3f, seed: 4),
            _ => new BatchNormalization(16),
        };
        op.Compute = new ComputeContext(threads);
        return op;
    }

    [Theory]
    [MemberData(nameof(SplitOperations))]
    public void Element_wise_operations_give_the_same_bits_at_one_and_two_threads(string name)
    {
        foreach (int[] shape in new[] { new[] { 6, 16, 20, 20 }, new[] { 2500, 16 } })
        {
            Tensor x = TestData.Uniform(13, shape), dy = TestData.Uniform(14, shape);
            Operation one = CreateSplit(name, 1), two = CreateSplit(name, 2);
            Assert.Equal(one.Forward(x, training: true).Span.ToArray(), two.Forward(x, training: true).Span.ToArray());
            Assert.Equal(one.Backward(dy)!.Span.ToArray(), two.Backward(dy)!.Span.ToArray());
            if (one is ParamOperation p1 && two is ParamOperation p2)
                Assert.Equal(p1.Parameter.Gradient.Span.ToArray(), p2.Parameter.Gradient.Span.ToArray());
        }
    }

    [Fact]
    public void Dropout_masks_are_one_SplitMix64_stream_however_the_work_is_split()
    {
        var op = new DropoutOperation(0.4f, seed: 9) { Compute = new ComputeContext(2) };
        var x = new Tensor(3, 20001); // odd length: the last value comes from half a draw
        x.Fill(1f);
        float[] mask = op.Forward(x, training: true).Span.ToArray();

        var uniforms = new float[x.Length];
        new SplitMix64((ulong)new Random(9).NextInt64()).NextSingles(uniforms);
        Assert.Equal(uniforms.Select(u => u >= 0.4f ? 1f / 0.6f : 0f), mask);
    }

    [Fact]
    public void SplitMix64_At_jumps_ahead_by_whole_draws()
    {
        var stream = new SplitMix64(42);
        for (int i = 0; i < 5; i++) stream.Next();
        var jumped = SplitMix64.At(42, 5);
        Assert.Equal(stream.Next(), jumped.Next());
        Assert.Equal(stream.Next(), jumped.Next());
    }

    public static TheoryData<string> FusableActivations => ["linear", "relu", "tanh", "sigmoid"];

    private static Operation FusableActivation(string name) => name switch
    {
        "linear" => new Linear(),
        "relu" => new ReLU(),
        "tanh" => new Tanh(),
        _ => new Sigmoid(),
    };

    [Theory]
    [MemberData(nameof(FusableActivations))]
    public void FusedBatchNorm_gradients_are_right(string activation)
    {
        var op = new FusedBatchNorm(new BatchNormalization(3), TestData.Parameter("weight", TestData.Uniform(1, 0.5f, 2f, 3)),
            TestData.Parameter("bias", TestData.Uniform(2, 3)), FusableActivation(activation) as Activation);
        // Data whose pre-activations γ·x̂ + β all stay clear of ReLU's bend, so finite differences do not straddle it.
        Tensor x = Enumerable.Range(3, 200).Select(seed => TestData.Uniform(seed, -2f, 2f, 2, 3, 4, 5))
            .First(candidate => SmallestPreActivation(op, candidate) > 0.05f);
        OperationGradientTests.AssertPasses(GradientChecker.Check(op, x), "input", "weight", "bias");
    }

    private static float SmallestPreActivation(FusedBatchNorm op, Tensor x)
    {
        var normalisation = new BatchNormalization(3);
        Tensor xHat = normalisation.Forward(x, training: true);
        int plane = x.SampleLength / 3;
        return Enumerable.Range(0, x.Length).Min(i =>
        {
            int c = i / plane % 3;
            return MathF.Abs(op.Parameters[0].Value[c] * xHat[i] + op.Parameters[1].Value[c]);
        });
    }

    [Theory]
    [MemberData(nameof(FusableActivations))]
    public void FusedBatchNorm_matches_the_three_operations_and_gives_the_same_bits_at_one_and_two_threads(string activation)
    {
        // 6·16·20·20 = 38,400 values: split among threads.
        Tensor x = TestData.Uniform(5, -3f, 3f, 6, 16, 20, 20), dy = TestData.Uniform(6, 6, 16, 20, 20);
        Tensor gamma = TestData.Uniform(7, 0.5f, 2f, 16), beta = TestData.Uniform(8, 16);
        var results = new List<float[]>[2];
        foreach (int threads in new[] { 1, 2 })
        {
            var context = new ComputeContext(threads);
            var normalisation = new BatchNormalization(16) { Compute = context };
            var scale = new ChannelScale(TestData.Parameter("weight", gamma)) { Compute = context };
            var shift = BiasAndActivationFor(activation, beta, context);
            var fused = new FusedBatchNorm(new BatchNormalization(16), TestData.Parameter("weight", gamma), TestData.Parameter("bias", beta),
                FusableActivation(activation) as Activation) { Compute = context };
            Operation[] chain = [normalisation, scale, .. shift];
            var mine = results[threads - 1] = [];
            // Training twice (the running statistics move), then inference, which reads them.
            foreach (bool training in new[] { true, true, false })
            {
                Tensor expected = x;
                foreach (Operation op in chain) expected = op.Forward(expected, training);
                Tensor? expectedDx = dy;
                for (int i = chain.Length - 1; i >= 0; i--) expectedDx = chain[i].Backward(expectedDx!);
                Tensor y = fused.Forward(x, training), dx = fused.Backward(dy)!;
                TestData.AssertClose(expected.Span, y.Span, 1e-5, $"output, training {training}");
                TestData.AssertClose(expectedDx!.Span, dx.Span, 1e-4, $"input gradient, training {training}");
                TestData.AssertClose(scale.Parameter.Gradient.Span, fused.Parameters[0].Gradient.Span, 1e-4, "dγ");
                TestData.AssertClose(((ParamOperation)shift[0]).Parameter.Gradient.Span, fused.Parameters[1].Gradient.Span, 1e-4, "dβ");
                Assert.Equal(normalisation.RunningVariance.Span.ToArray(), fused.Statistics.RunningVariance.Span.ToArray());
                mine.AddRange([y.Span.ToArray(), dx.Span.ToArray(), fused.Parameters[0].Gradient.Span.ToArray(), fused.Parameters[1].Gradient.Span.ToArray()]);
            }
        }
        for (int i = 0; i < results[0].Count; i++) TestData.AssertBitIdentical(results[0][i], results[1][i], $"result {i} at 1 and 2 threads");
    }

    private static Operation[] BiasAndActivationFor(string activation, Tensor beta, ComputeContext context)
    {
        Operation[] ops = activation == "linear"
            ? [new BiasAdd(TestData.Parameter("bias", beta))]
            : [new BiasActivation(TestData.Parameter("bias", beta), (Activation)FusableActivation(activation))];
        foreach (Operation op in ops) op.Compute = context;
        return ops;
    }

    [Fact]
    public void FusedBatchNorm_refuses_an_activation_that_needs_its_input()
    {
        var e = Assert.Throws<ArgumentException>(() => new FusedBatchNorm(new BatchNormalization(2), new Parameter("weight", new Tensor(2)),
            new Parameter("bias", new Tensor(2)), new GELU()));
        Assert.Contains("GELU", e.Message);
    }
}
