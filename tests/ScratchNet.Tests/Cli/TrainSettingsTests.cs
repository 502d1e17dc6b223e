using ScratchNet.Cli;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// The settings a run records (<see cref="TrainSettingFields"/>): every one is written and read back unchanged, and a
/// checkpoint whose settings are missing or do not parse is refused with a message naming the setting and the file.
/// </summary>
public sealed class TrainSettingsTests
{
    // Every setting differs from what a fresh TrainSettings holds, so a field the table forgot to read would show.
    private static readonly TrainSettings Everything = new()
    {
        ModelName = "lenet5", Preset = ModelPreset.LeNet5, Epochs = 7, BatchSize = 33, Optimizer = "adamw", LearningRate = 0.0123f,
        Momentum = 0.85f, WeightDecay = 0.0005f, LabelSmoothing = 0.05f, Schedule = "cosine", FinalLearningRate = 1.5e-5f, WarmupEpochs = 2, Init = WeightInit.He,
        Seed = -42, Data = new DataArguments("/data/somewhere", "/data/test", (32, 48), 3, 0.25, SkipBadImages: true), Limit = 1000, Validation = 100, Patience = 3, Augment = true, Threads = 3, EvalEvery = 2,
        Metrics = "m.json", Out = "run",
    };

    [Fact]
    public void Describe_ThenRead_GivesBackEverySetting()
    {
        IReadOnlyDictionary<string, string> description = Everything.Describe();

        TrainSettings read = TrainSettings.FromDescription(description, "checkpoint.safetensors", "run", "m.json");

        Assert.Equal(Everything, read);
        Assert.Equal(TrainSettingFields.All.Select(f => f.Name), description.Keys);
    }

    [Fact]
    public void Table_CoversEveryPropertyButThoseARunIsGivenAnew()
    {
        // Metrics and Out come from the resuming command line; the preset is looked up by the model's name; the data
        // arguments are recorded one field each.
        string[] notRecorded = [nameof(TrainSettings.Metrics), nameof(TrainSettings.Out), nameof(TrainSettings.Preset), nameof(TrainSettings.Data)];
        int properties = typeof(TrainSettings).GetProperties().Count(p => p.CanWrite && !notRecorded.Contains(p.Name))
                         + typeof(DataArguments).GetProperties().Count(p => p.CanWrite && p.Name != "EqualityContract");
        Assert.Equal(properties, TrainSettingFields.All.Count);
    }

    [Fact]
    public void Read_SpecificationRun_HasNoPreset()
    {
        TrainSettings spec = Everything with { ModelName = "my-model", Preset = null, SpecPath = "my-model.json", Data = new DataArguments(null), Limit = null };

        TrainSettings read = TrainSettings.FromDescription(spec.Describe(), "c.safetensors", "run", "m.json");

        Assert.Equal(spec, read);
    }

    [Fact]
    public void Read_FineTuningRun_KeepsItsStartingFileAndHasNoPreset()
    {
        TrainSettings tuning = Everything with { ModelName = "imported", Preset = null, InitFrom = "imported.safetensors" };

        TrainSettings read = TrainSettings.FromDescription(tuning.Describe(), "c.safetensors", "run", "m.json");

        Assert.Equal(tuning, read);
    }

    [Fact]
    public void Read_CheckpointWrittenBeforeTheDataOptions_KeepsTheirDefaults()
    {
        var description = Everything.Describe().ToDictionary();
        foreach (string name in new[] { "test_data", "image_size", "channels", "test_fraction", "skip_bad_images" }) description.Remove(name);

        TrainSettings read = TrainSettings.FromDescription(description, "old.safetensors", "run", "m.json");

        Assert.Equal(new DataArguments("/data/somewhere"), read.Data);
    }

    [Theory]
    [InlineData("image_size", "0,5", "H,W, or empty")]
    [InlineData("test_fraction", "1.5", "a number between 0 and 1, or empty")]
    [InlineData("channels", "2", "1, 3, or empty")]
    [InlineData("epochs", "abc", "a whole number of at least 1")]
    [InlineData("epochs", "0", "a whole number of at least 1")]
    [InlineData("lr", "fast", "a positive finite number")]
    [InlineData("lr", "NaN", "a positive finite number")]
    [InlineData("momentum", "1.5", "[0, 1)")]
    [InlineData("optimizer", "rmsprop", "one of sgd, momentum")]
    [InlineData("init", "zeros", "one of glorot, he, standard")]
    [InlineData("limit", "-5", "or empty")]
    [InlineData("augment", "yes", "one of true, false")]
    [InlineData("model", "resnet", "names no preset")]
    [InlineData("threads", "2147483647", "a whole number from 1 to 256")]
    [InlineData("threads", "-1", "a whole number from 1 to 256")]
    [InlineData("batch_size", "2147483647", "a whole number from 1 to 65536")]
    public void Read_BadSetting_NamesTheSettingAndTheFile(string field, string value, string expected)
    {
        var description = new Dictionary<string, string>(Everything.Describe()) { [field] = value };

        var e = Assert.Throws<ModelFileException>(() => TrainSettings.FromDescription(description, "/runs/a/checkpoint.safetensors", "/runs/a", null));

        Assert.Contains($"'{field}'", e.Message);
        Assert.Contains("/runs/a/checkpoint.safetensors", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_MissingSetting_NamesIt()
    {
        var description = new Dictionary<string, string>(Everything.Describe());
        description.Remove("batch_size");

        var e = Assert.Throws<ModelFileException>(() => TrainSettings.FromDescription(description, "c.safetensors", "run", null));

        Assert.Contains("'batch_size' is missing", e.Message);
    }

    [Theory]
    [InlineData("epochs", "abc", "'epochs' is 'abc'")]
    [InlineData("threads", null, "'threads' is missing")]
    public void Resume_CheckpointWithABadSetting_GivesOneErrorNamingTheSettingAndTheFile(string field, string? value, string expected)
    {
        string folder = NewPath("");
        var settings = new Dictionary<string, string>(Everything.Describe());
        if (value is null) settings.Remove(field);
        else settings[field] = value;
        var network = new NeuralNetwork([new Flatten(), new Dense(10)], new SoftmaxCrossEntropy(), seed: 1);
        network.Build([1, 4, 4]);
        string checkpoint = Path.Combine(folder, "checkpoint.safetensors");
        Checkpoint.Save(checkpoint, network, new SGDMomentum(0.01f, 0.9f), new TrainingState(), settings);

        var result = Run("train", "--resume", folder);

        AssertOneError(result, 1, expected);
        Assert.Contains(checkpoint, result.Error);
    }

    [Fact]
    public void Augmentation_IsThePresetsOwnOrTheStandardOne_AndNoneWithoutAugment()
    {
        Assert.Null((Everything with { Augment = false }).Augmentation);
        Assert.Same(Augmentation.Standard, Everything.Augmentation);
        Assert.Same(ModelPreset.FashionResNet.Augmentation, (Everything with { ModelName = "fashion-resnet", Preset = ModelPreset.FashionResNet }).Augmentation);
        Assert.Same(Augmentation.Standard, (Everything with { ModelName = "my-model", Preset = null, SpecPath = "my-model.json" }).Augmentation);
    }

    [Fact]
    public void LabelSmoothing_IsThePresetsUnlessGiven_AndCheckpointsWithoutItReadAsNone()
    {
        var options = new TrainOptions();
        var command = new System.CommandLine.Command("train");
        foreach (var option in options.All) command.Add(option);
        Assert.Equal(0.1f, options.Settings(command.Parse("--model fashion-resnet")).LabelSmoothing);
        Assert.Equal(0.05f, options.Settings(command.Parse("--model fashion-resnet --label-smoothing 0.05")).LabelSmoothing);
        Assert.Equal(0f, options.Settings(command.Parse("--model fashion-cnn")).LabelSmoothing);

        var older = new Dictionary<string, string>(Everything.Describe());
        older.Remove("label_smoothing");
        Assert.Equal(0f, TrainSettings.FromDescription(older, "c.safetensors", "run", null).LabelSmoothing);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void LabelSmoothing_ReachesTheLoss_AndALossWithoutLabelsRefusesIt()
    {
        var (code, output, error) = Run("train", "--model", "mlp", "--limit", "200", "--epochs", "1", "--label-smoothing", "0.2", "--threads", "1");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("label smoothing 0.2", output);

        string spec = NewPath(".json");
        File.WriteAllText(spec, "{\"loss\": \"mean_squared_error\", \"layers\": [{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10}]}");
        AssertOneError(Run("train", "--spec", spec, "--limit", "200", "--epochs", "1", "--label-smoothing", "0.1"), 2,
            "--label-smoothing smooths the targets of softmax cross-entropy");
    }

    [Fact]
    public void PresetLookup_IgnoresCase()
    {
        Assert.Same(ModelPreset.LeNet5, ModelPreset.Find("LeNet5"));
        Assert.Same(ModelPreset.FashionCnn, ModelPreset.Find("FASHION-CNN"));
        AssertSuccess(Run("summary", "--model", "LeNet5"));
    }
}
