using System.CommandLine;
using ScratchNet.Data;
using ScratchNet.Kernels;
using ScratchNet.Models;

namespace ScratchNet.Cli;

/// <summary>
/// The options several commands share, declared once so that they read and check the same everywhere.
/// Each call makes a new option: System.CommandLine lets an option belong to one command only.
/// </summary>
internal static class CommonOptions
{
    /// <summary>
    /// <c>--model NAME</c>: a preset, named as <see cref="ModelPreset.Find"/> looks it up (case ignored);
    /// with <paramref name="defaultPreset"/>, that preset when the option is left out.
    /// </summary>
    public static Option<string?> Model(ModelPreset? defaultPreset = null)
    {
        var option = new Option<string?>("--model")
        {
            Description = "A model preset: " + string.Join("; ", ModelPreset.All.Select(p => $"{p.Name} ({p.Description})")),
        };
        if (defaultPreset is not null) option.DefaultValueFactory = _ => defaultPreset.Name;
        return option.OneOf(ModelPreset.All.Select(p => p.Name).ToArray());
    }

    /// <summary><c>--spec FILE</c>: an architecture in JSON instead of a preset.</summary>
    public static Option<string?> Spec() =>
        new("--spec") { Description = "A JSON model specification instead of a preset (format: docs/model-spec.md)" };

    /// <summary><c>--model-file FILE</c>: a saved model, or a training checkpoint (whose optimizer state is ignored).</summary>
    public static Option<string?> ModelFile(bool required) => new("--model-file")
    {
        Description = "A model file saved by train (model.safetensors) or a training checkpoint (checkpoint.safetensors: its weights as of the last completed epoch)",
        Required = required,
    };

    /// <summary><c>--seed N</c>: the seed of every random choice a command makes.</summary>
    public static Option<int> Seed() =>
        new("--seed") { Description = "Seed of every random choice: weights, and for train shuffling, dropout and augmentation, for gradcheck the input; for train and evaluate the --test-fraction split (give evaluate the seed the model was trained with)", DefaultValueFactory = _ => 1 };

    /// <summary>
    /// <c>--threads N</c>: threads for the kernels, 1 to <see cref="ComputeContext.MaxThreads"/>. More than the machine's
    /// cores is allowed (the same count reproduces another machine's run bit for bit, only slower); more than the
    /// maximum is refused, so that a mistyped count cannot exhaust memory.
    /// </summary>
    public static Option<int> Threads() =>
        new Option<int>("--threads")
        {
            Description = $"Threads for the kernels, 1 to {ComputeContext.MaxThreads} (same seed and threads: same results, bit for bit; default: the cores)",
            // Under mpirun the processes started on one machine share its cores.
            DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount / (Mpi.MpiLaunch.LocalSize() ?? 1), 1, ComputeContext.MaxThreads),
        }.Positive().AtMost(ComputeContext.MaxThreads);

    /// <summary>
    /// <c>--data PATH</c>: the data, in any layout <see cref="DataSources.Open"/> recognises; the IDX folder
    /// <see cref="DataLocator"/> finds when left out. <see cref="DataOptions"/> adds the options that go with it.
    /// </summary>
    public static Option<string?> Data() =>
        new("--data") { Description = $"The data: a folder or CSV file in any layout listed below (default: the IDX files in ${DataLocator.EnvironmentVariable}, then {DataLocator.DefaultDirectory}; see 'scratchnet datasets')" };
}
