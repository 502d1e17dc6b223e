using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Tests.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Layers;

/// <summary>Sequential, Residual and Concat: gradients through both paths of a sum and of a concatenation, names, shapes.</summary>
public class CompositeLayerTests
{
    private static GradientCheckReport Check(Layer layer, Tensor x)
    {
        layer.Build(x.Shape[1..]);
        LayerGradientTests.Randomize(layer, 7);   // biases and batch-norm shifts start at zero
        return GradientChecker.Check(layer, x);
    }

    [Fact]
    public void Sequential_gradients_are_right_and_named_by_position()
    {
        var block = new Sequential(new Conv2D(3, 3, activation: new Tanh()), new Conv2D(2, 1, bias: false, activation: new Sigmoid()));
        OperationGradientTests.AssertPasses(Check(block, TestData.Uniform(1, 2, 2, 4, 4)), "input", "0.weight", "0.bias", "1.weight");
    }

    [Fact]
    public void Residual_with_an_identity_shortcut_routes_the_gradient_to_both_paths()
    {
        var block = new Residual([new Conv2D(3, 3, activation: new Tanh()), new Conv2D(3, 3)], activation: new Tanh());
        OperationGradientTests.AssertPasses(Check(block, TestData.Uniform(2, 2, 3, 5, 5)),
            "input", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias");
    }

    [Fact]
    public void Residual_with_a_projection_shortcut_routes_the_gradient_to_both_paths()
    {
        // The body halves the size and doubles the channels; the shortcut follows with a strided 1×1 convolution + batch norm.
        var block = new Residual(
            [new Conv2D(4, 3, stride: 2, bias: false), new BatchNorm(activation: new Tanh()), new Conv2D(4, 3, bias: false)],
            [new Conv2D(4, 1, stride: 2, bias: false), new BatchNorm()],
            new Tanh());
        OperationGradientTests.AssertPasses(Check(block, TestData.Uniform(3, 3, 2, 6, 6)),
            "input", "body.0.weight", "body.1.weight", "body.1.bias", "body.2.weight", "shortcut.0.weight", "shortcut.1.weight", "shortcut.1.bias");
    }

    [Fact]
    public void Concat_of_two_branches_gradients_are_right()
    {
        var block = new Concat([[new Conv2D(2, 3, activation: new Tanh())], [new Conv2D(3, 1, bias: false, activation: new Sigmoid())]]);
        OperationGradientTests.AssertPasses(Check(block, TestData.Uniform(4, 2, 2, 4, 4)),
            "input", "branches.0.0.weight", "branches.0.0.bias", "branches.1.0.weight");
    }

    [Fact]
    public void Concat_of_three_branches_with_an_identity_gradients_are_right()
    {
        // DenseNet style: the input itself, then new features.
        var block = new Concat([[], [new Conv2D(2, 3, bias: false, activation: new Tanh())], [new Conv2D(1, 1, activation: new Tanh()), new Conv2D(2, 3, bias: false)]]);
        Tensor x = TestData.Uniform(5, 2, 3, 4, 4);
        OperationGradientTests.AssertPasses(Check(block, x),
            "input", "branches.1.0.weight", "branches.2.0.weight", "branches.2.0.bias", "branches.2.1.weight");
        Assert.Equal([2, 7, 4, 4], block.Forward(x).Shape.ToArray());
    }

    [Fact]
    public void Concat_on_flat_features_gradients_are_right()
    {
        var block = new Concat([[new Dense(3, new Tanh())], [new Dense(2)]]);
        OperationGradientTests.AssertPasses(Check(block, TestData.Uniform(6, 4, 5)),
            "input", "branches.0.0.weight", "branches.0.0.bias", "branches.1.0.weight", "branches.1.0.bias");
    }

    [Fact]
    public void Residual_output_is_the_sum_of_the_paths_and_concat_stacks_the_channels()
    {
        var conv = new Conv2D(2, 3, activation: new Tanh());
        var residual = new Residual([conv]);
        Tensor x = TestData.Uniform(8, 2, 2, 3, 3);
        float[] y = residual.Forward(x).Span.ToArray();
        float[] body = conv.Forward(x).Span.ToArray();
        for (int i = 0; i < y.Length; i++) Assert.Equal(body[i] + x.Span[i], y[i]);

        var concat = new Concat([[], [new ActivationLayer(new Tanh())]]);
        Tensor z = concat.Forward(x);
        Assert.Equal([2, 4, 3, 3], z.Shape.ToArray());
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 18; i++)
            {
                Assert.Equal(x.Span[n * 18 + i], z.Span[n * 36 + i]);
                Assert.Equal(MathF.Tanh(x.Span[n * 18 + i]), z.Span[n * 36 + 18 + i], 3e-7f);   // ScratchNet's tanh: within 2 ulp
            }
    }

    [Theory]
    [InlineData("relu")]  // its derivative reads the output: y overwrites the sum
    [InlineData("elu")]   // its derivative reads the input: the sum is kept
    public void Residual_sum_and_activation_in_one_pass_give_the_bits_of_the_separate_operations(string name)
    {
        // 2 × 8 × 48 × 48 = 36,864 values: three blocks of the fused pass, split between two threads.
        Operation Activation() => name == "relu" ? new ReLU() : new ELU();
        var block = new Residual([new Conv2D(8, 3, bias: false)], activation: Activation());
        Tensor x = TestData.Uniform(13, 2, 8, 48, 48), dy = TestData.Uniform(14, 2, 8, 48, 48);
        block.Build(x.Shape[1..]);
        block.Compute = new ComputeContext(2);
        float[] y = block.Forward(x, training: true).Span.ToArray();
        float[] dx = block.Backward(dy)!.Span.ToArray();

        // The same block as separate steps: s = body(x) + x, y = f(s); ∂L/∂s = f′·dy, ∂L/∂x = bodyᵀ(∂L/∂s) + ∂L/∂s.
        Layer body = block.Body[0];
        Tensor s = new(x.Shape);
        System.Numerics.Tensors.TensorPrimitives.Add(body.Forward(x, training: true).Span, x.Span, s.Span);
        Operation f = Activation();
        TestData.AssertBitIdentical(f.Forward(s, training: true).Span.ToArray(), y, "output");
        Tensor ds = f.Backward(dy)!;
        float[] expected = new float[dx.Length];
        System.Numerics.Tensors.TensorPrimitives.Add(body.Backward(ds)!.Span, ds.Span, expected);
        TestData.AssertBitIdentical(expected, dx, "input gradient");
    }

    [Fact]
    public void Residual_shape_error_names_the_block_and_both_shapes()
    {
        var block = new Residual([new Conv2D(64, 3, stride: 2)]);
        var e = Assert.Throws<ShapeMismatchException>(() => block.Build([32, 28, 28]));
        Assert.Contains("Residual: body output [64, 14, 14] vs shortcut (identity) [32, 28, 28]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => block.StateShapes([32, 28, 28]));
        Assert.Throws<ShapeMismatchException>(() => block.OutputSampleShape([32, 28, 28]));
    }

    [Fact]
    public void Concat_shape_error_names_the_branches_and_both_shapes()
    {
        var block = new Concat([[new Conv2D(32, 3)], [new Conv2D(64, 3, stride: 2)]]);
        var e = Assert.Throws<ShapeMismatchException>(() => block.Build([8, 28, 28]));
        Assert.Contains("Concat: branch 1 output [64, 14, 14] vs branch 0 [32, 28, 28]", e.Message);
    }

    [Fact]
    public void Composites_need_their_paths()
    {
        Assert.Throws<ArgumentException>(() => new Residual([]));
        Assert.Throws<ArgumentException>(() => new Sequential());
        Assert.Throws<ArgumentException>(() => new Concat([[new Flatten()]]));
        var built = new Dense(2);
        built.Build([3]);
        Assert.Contains("already built", Assert.Throws<ArgumentException>(() => new Sequential(built)).Message);
    }

    private static NeuralNetwork Network(int seed, bool dropout = false) => new(
        [
            new Conv2D(4, 3, bias: false),
            new Residual(
                [new Conv2D(8, 3, stride: 2, bias: false), new BatchNorm(activation: new ReLU()), .. dropout ? new Layer[] { new Dropout(0.2f) } : [], new Conv2D(8, 3)],
                [new Conv2D(8, 1, stride: 2, bias: false), new BatchNorm()], new ReLU()),
            new Concat([[], [new Sequential(new Conv2D(4, 3, activation: new ReLU()))]]),
            new GlobalAvgPool2D(),
            new Dense(3),
        ],
        new SoftmaxCrossEntropy(), seed);

    [Fact]
    public void A_network_names_nested_state_like_a_pytorch_state_dict_and_predicts_it_before_building()
    {
        NeuralNetwork network = Network(1);
        var predicted = network.StateShapes([2, 8, 8]);
        network.Build([2, 8, 8]);
        string[] names = network.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(
            ["0.weight", "1.body.0.weight", "1.body.1.weight", "1.body.1.bias", "1.body.2.weight", "1.body.2.bias",
             "1.shortcut.0.weight", "1.shortcut.1.weight", "1.shortcut.1.bias", "2.branches.1.0.0.weight", "2.branches.1.0.0.bias",
             "4.weight", "4.bias"], names);
        Assert.Equal(network.Parameters, network.NamedParameters().Select(p => p.Parameter));
        Assert.Contains("1.shortcut.1.running_mean", network.NamedBuffers().Select(b => b.Name));
        var actual = network.NamedParameters().Select(p => (p.Name, p.Parameter.Value.Shape.ToArray()))
            .Concat(network.NamedBuffers().Select(b => (b.Name, b.Buffer.Value.Shape.ToArray())));
        Assert.Equal(actual.OrderBy(s => s.Name).Select(s => $"{s.Name} {Tensor.FormatShape(s.Item2)}"),
            predicted.OrderBy(s => s.Name).Select(s => $"{s.Name} {Tensor.FormatShape(s.Shape)}"));
    }

    [Fact]
    public void Nested_layers_are_seeded_by_path_threaded_and_reachable()
    {
        NeuralNetwork a = Network(3, dropout: true), b = Network(3, dropout: true);
        a.Build([2, 8, 8]);
        b.Build([2, 8, 8]);
        foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters)) TestData.AssertBitIdentical(pa.Value.Span, pb.Value.Span, "weights");
        var residual = (Residual)a.Layers[1];
        Assert.NotEqual(residual.Body[0].Seed, residual.Shortcut[0].Seed);
        Assert.NotEqual(residual.Body[0].Seed, ((Concat)a.Layers[2]).Branches[1][0].Seed);

        var he = new Residual([new Sequential(new Conv2D(2, 3))], [new Conv2D(2, 1)]) { WeightInit = WeightInit.He };
        Assert.All(he.Children.SelectMany(c => c.Layer.Children.Append(c)), c => Assert.Equal(WeightInit.He, c.Layer.WeightInit));

        a.Threads = 2;
        Assert.All(a.Layers.SelectMany(l => l.Operations), op => Assert.Equal(2, op.Compute.Threads));
        // The trainer reseeds dropout by walking each layer's operations: a nested one is among them.
        Assert.Single(a.Layers[1].Operations.OfType<IStochastic>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Training_steps_are_bit_identical_at_the_same_seed_and_threads(int threads)
    {
        float[] Run()
        {
            NeuralNetwork network = Network(5);
            network.Threads = threads;
            var optimizer = new ScratchNet.Optimizers.Adam();
            Tensor x = TestData.Uniform(9, 4, 2, 8, 8), y = TestData.OneHot(10, 4, 3);
            for (int i = 0; i < 3; i++)
            {
                network.TrainBatch(x, y);
                optimizer.Step(network.Parameters);
            }
            return network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray();
        }
        TestData.AssertBitIdentical(Run(), Run(), "weights after three steps");
    }

    [Fact]
    public void A_composite_first_layer_skips_the_input_gradient_and_the_network_gradients_are_right()
    {
        var network = new NeuralNetwork(
            [
                new Residual([new Conv2D(2, 3, activation: new Tanh()), new Conv2D(2, 3)], [new Conv2D(2, 1, bias: false)], new Tanh()),
                new Concat([[new Conv2D(1, 1, activation: new Tanh())], []]),
                new Flatten(),
                new Dense(3),
            ],
            new SoftmaxCrossEntropy(), seed: 2);
        Tensor x = TestData.Uniform(11, 2, 1, 4, 4);
        network.Build(x.Shape[1..]);
        Assert.Null(network.Layers[0].Backward(network.Layers[0].Forward(x, training: true)));
        // A first concat with an identity branch would otherwise hand back that branch's part alone.
        var concatFirst = new NeuralNetwork([new Concat([[], [new Conv2D(1, 1)]]), new Flatten(), new Dense(2)], new SoftmaxCrossEntropy());
        concatFirst.Build([1, 4, 4]);
        Assert.Null(concatFirst.Layers[0].Backward(concatFirst.Layers[0].Forward(x, training: true)));
        Assert.NotEqual(0f, concatFirst.Parameters[0].Gradient.Span.ToArray().Select(MathF.Abs).Sum());
        GradientCheckReport report = GradientChecker.Check(network, x, TestData.OneHot(12, 2, 3));
        Assert.Contains("0.shortcut.0.weight", report.Errors.Select(e => e.Name));
        Assert.True(report.Passed(GradientChecker.DefaultTolerance), report.ToString());
    }
}
