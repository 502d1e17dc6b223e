using System.Text.Json.Nodes;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;
using static ScratchNet.Tests.Serialization.BadCustomClasses;

namespace ScratchNet.Tests.Serialization;

/// <summary>
/// An operation and a layer of a user's, registered with <see cref="LayerRegistry"/>, save with their settings, load,
/// checkpoint and resume bit for bit like built-in ones; what cannot work is refused with a message that says what to do.
/// </summary>
public sealed class CustomLayerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-custom-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static CustomLayerTests()
    {
        LayerRegistry.Register<ScaledCube>();
        LayerRegistry.Register<LearnedShift>("test_shift");   // the name its attribute gives, so allowed
        LayerRegistry.Register<UndeclaredShift>("test_undeclared");
    }

    private static NeuralNetwork Network() => new(
        [new Flatten(), new Dense(6, new ScaledCube { Scale = 0.37f }),
         new LearnedShift { Initial = 0.25f, Weight = 0.1, Count = 3, Big = 1L << 40, Enabled = false, Note = "ünïcode \"quoted\"", Mode = PaddingMode.Explicit },
         new Dense(2)],
        new SoftmaxCrossEntropy(), seed: 5);

    private static TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 8, Seed = 3 };

    [Fact]
    public void ANetworkWithACustomOperationAndLayer_SavesItsSettings_AndLoadsToTheSamePredictions()
    {
        ImageDataset data = Training.TrainerTests.TopOrBottom(32, seed: 1);
        NeuralNetwork network = Network();
        new Trainer(network, new Adam(0.01f)).Fit(data, data, Options(2));
        string path = Path.Combine(_folder, "custom.safetensors");

        network.Save(path);
        NeuralNetwork loaded = NeuralNetwork.Load(path);

        TestData.AssertBitIdentical(network.Predict(data.Images).Span, loaded.Predict(data.Images).Span, "predictions");
        Assert.Equal(Evaluation.Run(network, data).Accuracy, Evaluation.Run(loaded, data).Accuracy);
        Assert.Equal(0.37f, Assert.IsType<ScaledCube>(Assert.IsType<Dense>(loaded.Layers[1]).Activation).Scale);
        var shift = Assert.IsType<LearnedShift>(loaded.Layers[2]);
        Assert.Equal((0.25f, 0.1, 3, 1L << 40, false, "ünïcode \"quoted\"", PaddingMode.Explicit),
            (shift.Initial, shift.Weight, shift.Count, shift.Big, shift.Enabled, shift.Note, shift.Mode));
        // The architecture names them as the registry does; a setting-less description would be a plain name.
        JsonNode layers = JsonNode.Parse(ModelSpec.Describe(loaded.Layers, loaded.Loss))!["layers"]!;
        Assert.Equal("""{"type":"test_scaled_cube","scale":0.37}""", layers[1]!["activation"]!.ToJsonString());
        Assert.Equal("""{"type":"test_shift","big":1099511627776,"count":3,"enabled":false,"initial":0.25,"mode":"Explicit","note":"ünïcode \"quoted\"","weight":0.1}""",
            layers[2]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public void ACheckpointedRunWithCustomLayers_ResumesToTheWeightsOfAnUninterruptedRun()
    {
        ImageDataset train = Training.TrainerTests.TopOrBottom(40, seed: 1), validation = Training.TrainerTests.TopOrBottom(16, seed: 2);
        NeuralNetwork straight = Network();
        new Trainer(straight, new Adam(0.01f)).Fit(train, validation, Options(3));

        NeuralNetwork first = Network();
        Optimizer firstOptimizer = new Adam(0.01f);
        var trainer = new Trainer(first, firstOptimizer);
        using var cancel = new CancellationTokenSource();
        string path = Path.Combine(_folder, "checkpoint.safetensors");
        trainer.EpochCompleted += r =>
        {
            Checkpoint.Save(path, first, firstOptimizer, trainer.State!, new Dictionary<string, string>());
            if (r.Epoch == 1) cancel.Cancel();
        };
        trainer.Fit(train, validation, Options(3), cancel.Token);

        var (resumed, optimizerState, state, _) = Checkpoint.Load(path);
        Optimizer optimizer = new Adam(0.01f);
        optimizer.LoadState(optimizerState, resumed.Parameters);
        new Trainer(resumed, optimizer).Fit(train, validation, Options(3), default, state);

        Assert.Contains(resumed.NamedParameters(), p => p.Name == "2.shift");
        foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            TestData.AssertBitIdentical(a.Value.Span, b.Value.Span, name);
    }

    [Fact]
    public void TheCustomOperationAndLayerOfTheTests_PassTheGradientCheck()
    {
        Tensor input = TestData.AwayFromZero(seed: 4, minAbs: 0.1f, maxAbs: 1f, 3, 5);
        Assert.True(GradientChecker.Check(new ScaledCube { Scale = 0.37f }, input).Passed());
        Assert.True(GradientChecker.Check(new LearnedShift { Initial = 0.25f }, input).Passed());
    }

    [Fact]
    public void SavingAnUnregisteredOperationOrLayer_SaysHowToRegisterIt()
    {
        var withOperation = new NeuralNetwork([new Flatten(), new Dense(2, new Unregistered())], new SoftmaxCrossEntropy(), seed: 1);
        var withLayer = new NeuralNetwork([new Flatten(), new UnregisteredLayer(), new Dense(2)], new SoftmaxCrossEntropy(), seed: 1);
        withOperation.Build([4]);
        withLayer.Build([4]);

        var operation = Assert.Throws<NotSupportedException>(() => withOperation.Save(Path.Combine(_folder, "a.safetensors")));
        var layer = Assert.Throws<NotSupportedException>(() => withLayer.Save(Path.Combine(_folder, "b.safetensors")));

        Assert.Contains("Activation ScratchNet.Tests.Serialization.Unregistered is not built in and is not registered", operation.Message);
        Assert.Contains("LayerRegistry.Register<Unregistered>(\"a_name\")", operation.Message);
        Assert.Contains("UnregisteredLayer is not built in and is not registered", layer.Message);
        Assert.Contains("--plugin FILE.dll", layer.Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void ALayerWhoseParametersItsStateShapesDoNotDeclare_IsRefusedWhenSaved()
    {
        var network = new NeuralNetwork([new Flatten(), new UndeclaredShift(), new Dense(2)], new SoftmaxCrossEntropy(), seed: 1);
        network.Build([4]);

        var e = Assert.Throws<NotSupportedException>(() => network.Save(Path.Combine(_folder, "c.safetensors")));

        Assert.Contains("'1.shift' [4] is not declared", e.Message);
        Assert.Contains("override of Layer.StateShapes", e.Message);
    }

    [Theory]
    [InlineData("""{"type": "never_registered_kind"}""", "$.layers[0].type: unknown layer type 'never_registered_kind'; valid: conv2d,")]
    [InlineData("""{"type": "dense", "units": 2, "activation": "never_registered_op"}""", "$.layers[0].activation: unknown activation 'never_registered_op'; valid: linear,")]
    [InlineData("""{"type": "dense", "units": 2, "activation": {"type": "never_registered_op"}}""", "$.layers[0].activation.type: unknown activation 'never_registered_op'")]
    public void ASpecificationNamingAnUnregisteredKind_SaysWhichAndHowToRegisterIt(string entry, string expected)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelSpec.Parse($$"""{"layers": [{{entry}}]}""", "m.json"));

        Assert.Contains(expected, e.Message);
        Assert.Contains("test_", e.Message);   // the registered names are listed among the valid ones
        Assert.Contains("LayerRegistry.Register<", e.Message);
        Assert.Contains("on the command line, --plugin FILE.dll", e.Message);
    }

    [Theory]
    [InlineData("""{"type": "dense", "units": 2, "activation": {"type": "test_scaled_cube", "scale": "big"}}""", "$.layers[0].activation.scale: expected a number, got \"big\"")]
    [InlineData("""{"type": "dense", "units": 2, "activation": {"type": "test_scaled_cube", "scale": 0}}""", "$.layers[0]: ScaledCube: scale must be a finite number other than 0, got 0")]
    [InlineData("""{"type": "dense", "units": 2, "activation": {"type": "test_scaled_cube", "slope": 1}}""", "$.layers[0].activation.slope: unknown field for a test_scaled_cube layer")]
    [InlineData("""{"type": "test_shift", "count": 1.5}""", "$.layers[0].count: expected a whole number, got 1.5")]
    [InlineData("""{"type": "test_shift", "mode": "sideways"}""", "$.layers[0].mode: expected one of \"Valid\", \"Same\", \"Explicit\", got \"sideways\"")]
    [InlineData("""{"type": "test_shift", "enabled": 1}""", "$.layers[0].enabled: expected true or false, got 1")]
    [InlineData("""{"type": "test_scaled_cube"}""", "'test_scaled_cube' is a registered operation (ScaledCube), not a layer")]
    [InlineData("""{"type": "dense", "units": 2, "activation": "test_shift"}""", "$.layers[0].activation: 'test_shift' is a registered layer (LearnedShift), not an operation")]
    public void ABadSettingOrMisplacedKind_IsAnErrorAtItsPath(string entry, string expected)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelSpec.Parse($$"""{"layers": [{{entry}}]}""", "m.json"));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void SettingsLeftOut_KeepTheConstructorsValues_AndTheNameIgnoresCase()
    {
        var (layers, _) = ModelSpec.Parse("""{"layers": [{"type": "TEST_SHIFT", "initial": 2}, {"type": "activation", "activation": "Test_Scaled_Cube"}]}""", "m.json");

        var shift = Assert.IsType<LearnedShift>(layers[0]);
        Assert.Equal((2f, 1, true, PaddingMode.Same), (shift.Initial, shift.Count, shift.Enabled, shift.Mode));
        Assert.Equal(1f, Assert.IsType<ScaledCube>(Assert.IsType<ActivationLayer>(layers[1]).Activation).Scale);
    }

    [Theory]
    [InlineData(typeof(NamedLikeABuiltIn), null, "'relu' (ScratchNet.Tests.Serialization.BadCustomClasses+NamedLikeABuiltIn) is the name of a built-in layer or activation")]
    [InlineData(typeof(AnotherCube), "dense", "'dense' (ScratchNet.Tests.Serialization.BadCustomClasses+AnotherCube) is the name of a built-in layer or activation")]
    [InlineData(typeof(AnotherCube), "test_scaled_cube", "'test_scaled_cube' is registered already, for ScratchNet.Tests.Serialization.ScaledCube")]
    [InlineData(typeof(ScaledCube), "another_name", "is marked [ScratchNetLayer(\"test_scaled_cube\")]; register it under that name")]
    [InlineData(typeof(AnotherCube), null, "has no name: give one")]
    [InlineData(typeof(AnotherCube), "2cube", "'2cube' (ScratchNet.Tests.Serialization.BadCustomClasses+AnotherCube) is not a valid name")]
    [InlineData(typeof(AnotherCube), "a cube", "is not a valid name")]
    [InlineData(typeof(Random), "random", "System.Random cannot be registered as 'random': it is neither an Operation nor a Layer")]
    [InlineData(typeof(Identity), "identity_op", "has none (or it is abstract or generic)")]
    [InlineData(typeof(NoConstructorWithoutParameters), "alpha_op", "a public constructor without parameters")]
    [InlineData(typeof(ListSetting), "list_op", "ListSetting.Values cannot be a setting of 'list_op': its type List`1 is not a number, bool, string or enum")]
    [InlineData(typeof(GetOnlyAutoProperty), "get_only_op", "GetOnlyAutoProperty.Alpha has no set or init accessor")]
    [InlineData(typeof(SettingCalledType), "type_op", "a setting may not be called Type")]
    [InlineData(typeof(LearnedShift), "another_shift", "is marked [ScratchNetLayer(\"test_shift\")]")]
    [InlineData(typeof(UndeclaredShift), "second_name", "is registered already, as 'test_undeclared'; a class has one name")]
    public void AClassThatCannotBeRegistered_IsRefusedWithTheReason(Type type, string? name, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => LayerRegistry.Register(type, name));

        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain(name ?? "relu", LayerRegistry.Names.Where(n => n != "test_scaled_cube"));
    }

    [Fact]
    public void RegisteringAClassAgainUnderItsName_ChangesNothing()
    {
        Assert.Equal("test_scaled_cube", LayerRegistry.Register<ScaledCube>());
        Assert.Equal("test_scaled_cube", LayerRegistry.Register<ScaledCube>("TEST_SCALED_CUBE"));
        Assert.Single(LayerRegistry.Names, n => n.Equals("test_scaled_cube", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A layer never registered.</summary>
    private sealed class UnregisteredLayer : Layer
    {
        protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random) => [new Linear()];

        protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
    }
}
