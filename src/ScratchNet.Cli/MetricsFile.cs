using System.Text.Json;
using System.Text.Json.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// The JSON written by <c>--metrics FILE</c>:
/// <c>{"model", "parameters", "epochs": [{"epoch", "train_loss", "val_loss", "val_accuracy", "seconds", "images_per_second"}], "test_accuracy"}</c>.
/// Accuracies are fractions in [0, 1]; seconds cover training only.
/// </summary>
internal sealed record MetricsFile(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("parameters")] int Parameters,
    [property: JsonPropertyName("epochs")] IReadOnlyList<MetricsFile.Epoch> Epochs,
    [property: JsonPropertyName("test_accuracy")] double? TestAccuracy)
{
    internal sealed record Epoch(
        [property: JsonPropertyName("epoch")] int Number,
        [property: JsonPropertyName("train_loss")] double TrainLoss,
        [property: JsonPropertyName("val_loss")] double? ValidationLoss,
        [property: JsonPropertyName("val_accuracy")] double? ValidationAccuracy,
        [property: JsonPropertyName("seconds")] double Seconds,
        [property: JsonPropertyName("images_per_second")] double ImagesPerSecond)
    {
        public static Epoch From(EpochResult r) =>
            new(r.Epoch, r.TrainLoss, r.ValidationLoss, r.ValidationAccuracy, r.Seconds, r.ImagesPerSecond);
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Writes the file through a temporary name, so a reader never sees half of it.</summary>
    public void Write(string path) => CliSupport.WriteAtomically(path, JsonSerializer.Serialize(this, Options));
}
