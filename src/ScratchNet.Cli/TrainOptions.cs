using System.CommandLine;
using System.CommandLine.Parsing;
using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>The options of <c>scratchnet train</c>, and the <see cref="TrainSettings"/> they ask for once the preset's defaults are filled in.</summary>
internal sealed class TrainOptions
{
    // A specification brings no training recipe: Adam 1e-3, batch 64, 10 epochs unless told otherwise.
    private static readonly ModelPreset SpecDefaults = new("spec", "", 1e-3f, 0.9f, 64, 10, _ => [], "adam", "constant");

    private readonly Option<string?> _model = CommonOptions.Model(defaultPreset: ModelPreset.SeedCnn);
    private readonly Option<string?> _spec = CommonOptions.Spec();
    private readonly Option<string?> _initFrom = new("--init-from") { Description = "Fine-tune: start from this model file's layers, weights and normalisation (e.g. one from scratchnet import) with this run's settings" };
    private readonly Option<int?> _epochs = new Option<int?>("--epochs") { Description = "Passes over the training set (default: the preset's)" }.Positive();
    private readonly Option<int?> _batchSize = new Option<int?>("--batch-size") { Description = $"Images per gradient step, at most {MaxBatchSize} (default: the preset's)" }.Positive().AtMost(MaxBatchSize);

    /// <summary>The largest --batch-size: more than a whole Fashion-MNIST training set (60,000), and far from overflowing a batch count.</summary>
    internal const int MaxBatchSize = 65536;
    private readonly Option<string?> _optimizer = new Option<string?>("--optimizer") { Description = $"Optimizer: {string.Join(", ", OptimizerCatalog.Optimizers)} (default: the preset's)" }
        .OneOf(OptimizerCatalog.Optimizers.ToArray());
    private readonly Option<float?> _lr = new Option<float?>("--lr") { Description = "Learning rate (default: the preset's; seed-cnn 0.01, the notebook used 0.1)" }.PositiveFinite();
    private readonly Option<float?> _momentum = new Option<float?>("--momentum") { Description = "Momentum of momentum/nesterov SGD, in [0, 1) (default: the preset's, 0.9)" }.InRange(0, 1);
    private readonly Option<float?> _weightDecay = new Option<float?>("--weight-decay") { Description = "Weight decay (L2 for sgd/momentum/adam, decoupled for adamw; default: the preset's)" }.InRange(0, 1);
    private readonly Option<float?> _labelSmoothing = new Option<float?>("--label-smoothing")
    {
        Description = "Label smoothing ε in [0, 1): each target keeps 1 − ε and ε is spread over all classes (softmax cross-entropy only; default: the preset's, 0.1 for fashion-resnet, else 0)",
    }.InRange(0, 1);
    private readonly Option<string?> _schedule = new Option<string?>("--schedule") { Description = $"Learning-rate schedule: {string.Join(", ", OptimizerCatalog.Schedules)} (default: the preset's)" }
        .OneOf(OptimizerCatalog.Schedules.ToArray());
    private readonly Option<float?> _finalLr = new Option<float?>("--final-lr") { Description = "Rate at the end of linear, exponential or cosine schedules (default: lr/100)" }.NonNegativeFinite();
    private readonly Option<int?> _warmup = new Option<int?>("--warmup") { Description = "Epochs of linear learning-rate warm-up (default 0)" }.Positive();
    private readonly Option<string> _init = new Option<string>("--init") { Description = "Weight initialisation: glorot, he, or standard (the notebook's unscaled N(0,1))", DefaultValueFactory = _ => "glorot" }
        .OneOf("glorot", "he", "standard");
    private readonly Option<int> _seed = CommonOptions.Seed();
    private readonly DataOptions _data = new();
    private readonly Option<int?> _limit = new Option<int?>("--limit") { Description = "Train on the first N training images only" }.Positive();
    private readonly Option<int?> _validation = new Option<int?>("--validation") { Description = "Hold out N training images for validation (model selection); the test set is then used only for the final figure" }.Positive();
    private readonly Option<int?> _patience = new Option<int?>("--patience") { Description = "Early stopping: stop after N evaluations without a better validation accuracy and keep the best weights (needs --validation)" }.Positive();
    private readonly Option<bool> _augment = new("--augment") { Description = "Augment training images: random shifts of up to 2 pixels, horizontal flips and random erasing (a preset may bring its own augmentation and lighten its dropout; the log says what is used)" };
    private readonly Option<int> _evalEvery = new Option<int>("--eval-every") { Description = "Evaluate every N epochs", DefaultValueFactory = _ => 1 }.Positive();
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string?> _memoryBudget = new Option<string?>("--memory-budget")
    {
        Description = "Memory the decoded images may take, e.g. 4G or 500M (default: half of this machine's); a training set beyond it is read from its files while training",
    }.ByteSize();
    private readonly Option<string?> _metrics = new("--metrics") { Description = "Write per-epoch figures and the test accuracy to this JSON file" };
    private readonly Option<string?> _out = new("--out") { Description = "Write the run into this folder: a checkpoint after every epoch, then model.safetensors, metrics.json, plots and report.html" };
    private readonly Option<bool> _quiet = new("--quiet") { Description = "Print only the final test accuracy (and errors)" };
    private readonly Option<string[]> _plugin = CommonOptions.Plugin();
    private readonly Option<string?> _resume = new("--resume") { Description = "Continue the interrupted run in this --out folder from its last checkpoint, with its settings" };

    /// <summary>Every option, in the order help lists them.</summary>
    public IEnumerable<Option> All =>
    [
        _model, _spec, _initFrom, _epochs, _batchSize, _optimizer, _lr, _momentum, _weightDecay, _labelSmoothing, _schedule, _finalLr, _warmup, _init, _seed, .. _data.All, _limit,
        _validation, _patience, _augment, _evalEvery, _threads, _memoryBudget, _metrics, _out, _resume, _quiet, _plugin,
    ];

    /// <summary>What <c>--quiet</c> asks for.</summary>
    public TrainingOutput Output(ParseResult result) => TrainingOutput.Create(result.GetValue(_quiet));

    /// <summary>The <c>--out</c> folder to resume (null: a new run) and the <c>--metrics</c> file; other settings are refused beside it.</summary>
    public (string? Folder, string? Metrics) Resume(ParseResult result)
    {
        if (result.GetValue(_resume) is not { } folder) return (null, null);
        string[] others = result.CommandResult.Children.OfType<OptionResult>()
            .Where(o => !o.Implicit && o.Option != _resume && o.Option != _metrics && o.Option != _quiet && o.Option != _plugin).Select(o => o.Option.Name).ToArray();
        if (others.Length > 0)
            throw new UsageException($"--resume continues a run with its own settings; drop {string.Join(", ", others)}.");
        return (folder, result.GetValue(_metrics));
    }

    /// <summary>The settings of a new run: what was given, the rest from the preset (or, for a specification, <see cref="SpecDefaults"/>).</summary>
    public TrainSettings Settings(ParseResult result)
    {
        string? specPath = result.GetValue(_spec), initFrom = result.GetValue(_initFrom);
        if (specPath is not null && result.GetResult(_model) is { Implicit: false })
            throw new UsageException("give either --model or --spec, not both.");
        if (initFrom is not null && (specPath is not null || result.GetResult(_model) is { Implicit: false }))
            throw new UsageException("--init-from brings its own layers; leave out --model and --spec.");
        if (result.GetValue(_patience) is not null && result.GetValue(_validation) is null)
            throw new UsageException("--patience selects the best epoch on a validation set: add --validation N (e.g. --validation 5000), so the test set stays unseen.");
        ModelPreset? preset = specPath is null && initFrom is null ? ModelPreset.Find(result.GetValue(_model)!) : null;
        ModelPreset defaults = preset ?? SpecDefaults;
        float rate = result.GetValue(_lr) ?? defaults.LearningRate;
        return new TrainSettings
        {
            ModelName = preset?.Name ?? Path.GetFileNameWithoutExtension(specPath ?? initFrom!),
            InitFrom = initFrom,
            Preset = preset,
            SpecPath = specPath,
            Epochs = result.GetValue(_epochs) ?? defaults.Epochs,
            BatchSize = result.GetValue(_batchSize) ?? defaults.BatchSize,
            Optimizer = result.GetValue(_optimizer)?.ToLowerInvariant() ?? defaults.Optimizer,
            LearningRate = rate,
            Momentum = result.GetValue(_momentum) ?? defaults.Momentum,
            WeightDecay = result.GetValue(_weightDecay) ?? defaults.WeightDecay,
            LabelSmoothing = result.GetValue(_labelSmoothing) ?? defaults.LabelSmoothing,
            Schedule = result.GetValue(_schedule)?.ToLowerInvariant() ?? defaults.Schedule,
            FinalLearningRate = result.GetValue(_finalLr) ?? rate / 100,
            WarmupEpochs = result.GetValue(_warmup) ?? 0,
            Init = Enum.Parse<WeightInit>(result.GetValue(_init)!, ignoreCase: true),
            Seed = result.GetValue(_seed),
            Data = _data.Read(result),
            Limit = result.GetValue(_limit),
            Validation = result.GetValue(_validation),
            Patience = result.GetValue(_patience),
            Augment = result.GetValue(_augment),
            EvalEvery = result.GetValue(_evalEvery),
            Threads = result.GetValue(_threads),
            MemoryBudget = result.GetValue(_memoryBudget) is { } budget ? MemoryBudget.TryParse(budget) : null,
            Metrics = result.GetValue(_metrics),
            Out = result.GetValue(_out),
        };
    }
}
