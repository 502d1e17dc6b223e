using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// Everything <c>scratchnet train</c> was asked to do, after defaults from the preset were filled in. The settings
/// recorded in model files and checkpoints (and listed in the report) are those of <see cref="TrainSettingFields"/>.
/// </summary>
internal sealed record TrainSettings
{
    /// <summary>The preset's name, or the specification file's name without extension.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The preset trained; null for a specification file.</summary>
    public ModelPreset? Preset { get; init; }

    /// <summary>The specification file trained instead of a preset.</summary>
    public string? SpecPath { get; init; }

    /// <summary>The model file fine-tuning starts from (<c>--init-from</c>), instead of a preset or specification.</summary>
    public string? InitFrom { get; init; }

    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public string Optimizer { get; init; } = "";
    public float LearningRate { get; init; }
    public float Momentum { get; init; }
    public float WeightDecay { get; init; }

    /// <summary>Label smoothing ε of the softmax cross-entropy (<c>--label-smoothing</c>); 0: none.</summary>
    public float LabelSmoothing { get; init; }
    public string Schedule { get; init; } = "";
    public float FinalLearningRate { get; init; }
    public int WarmupEpochs { get; init; }
    public WeightInit Init { get; init; }
    public int Seed { get; init; }

    /// <summary>The data asked for and how to read it; <see cref="DataArguments.Data"/> null: the default search (see <c>DataLocator</c>).</summary>
    public DataArguments Data { get; init; } = new(null);

    public int? Limit { get; init; }
    public int? Validation { get; init; }
    public int? Patience { get; init; }
    public bool Augment { get; init; }

    /// <summary>How training images are augmented: null without <c>--augment</c>, else the preset's own augmentation or the standard one.</summary>
    public Augmentation? Augmentation => Augment ? Preset?.Augmentation ?? Augmentation.Standard : null;

    public int EvalEvery { get; init; }
    public int Threads { get; init; }

    /// <summary>Bytes the decoded images may take before the training set is streamed (<c>--memory-budget</c>; null: <see cref="MemoryBudget.Default"/>).</summary>
    public long? MemoryBudget { get; init; }

    /// <summary>The metrics file to write; not recorded (a resumed run is given its own).</summary>
    public string? Metrics { get; init; }

    /// <summary>The run's folder; not recorded (a resumed run writes where its checkpoint is).</summary>
    public string? Out { get; init; }

    /// <summary>Creates the untrained network: the preset's layers with one output per class, or those of the specification file.</summary>
    public NeuralNetwork CreateNetwork(int classes)
    {
        if (Preset is not null) return Preset.CreateNetwork(Init, Seed, Augment, classes);
        string json;
        try
        {
            json = CliSupport.ReadSpec(SpecPath!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the model specification {SpecPath}: {e.Message}");
        }
        var (layers, loss) = ModelSpec.Parse(json, SpecPath!);
        foreach (Layer layer in layers) layer.WeightInit = Init;
        return new NeuralNetwork(layers, loss, Seed);
    }

    /// <summary>The settings as text, for the model file, the checkpoint and the report (see <see cref="TrainSettingFields"/>).</summary>
    public IReadOnlyDictionary<string, string> Describe() => TrainSettingFields.Describe(this);

    /// <summary>
    /// The settings a checkpoint in <paramref name="outDirectory"/> recorded with <see cref="Describe"/>, read from
    /// <paramref name="file"/>; the run writes into <paramref name="outDirectory"/> and <paramref name="metrics"/>.
    /// </summary>
    /// <exception cref="ModelFileException">A setting is missing or does not parse; the message names it and the file.</exception>
    public static TrainSettings FromDescription(IReadOnlyDictionary<string, string> description, string file, string outDirectory, string? metrics) =>
        TrainSettingFields.Read(description, file) with { Out = outDirectory, Metrics = metrics };
}
