using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScratchNet.Data;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// <c>scratchnet evaluate</c>: a saved model on the test set: accuracy and loss exactly as training reports them
/// (<see cref="Evaluation.Run"/>; label smoothing, a training setting, is not applied), per-class precision and recall,
/// and the confusion matrix.
/// </summary>
internal static class EvaluateCommand
{
    private const int BatchSize = Evaluation.DefaultBatchSize;

    public static Command Create()
    {
        var modelFile = CommonOptions.ModelFile(required: true);
        var data = new DataOptions();
        var metrics = new Option<string?>("--metrics") { Description = "Also write the figures as JSON: test_accuracy, test_loss, per_class [{class, index, precision, recall, support}], confusion_matrix" };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();

        var command = new Command("evaluate",
            "Evaluate a saved model (or a training checkpoint) on the test set of the data: accuracy, loss (computed as during training, without label smoothing), per-class precision and recall, " +
            "and the confusion matrix (rows: true class, columns: predicted class). The model's own normalisation is applied to the images. " +
            $"Above {EvaluationTables.MaxPrintedClasses} classes only the {EvaluationTables.WorstClassesListed} with the lowest recall are listed; --metrics holds them all. " +
            "Precision is reported as 0 for a class that is never predicted.\n\n" + DataOptions.Layouts + "\n\n" +
            "Examples:\n  scratchnet evaluate --model-file model.safetensors\n  scratchnet evaluate --model-file model.safetensors --data ~/mnist --metrics eval.json")
        {
            modelFile, metrics, seed, threads, CommonOptions.Plugin(),
        };
        data.AddTo(command);
        command.SetAction(result => Run(result.GetValue(modelFile)!, data.Read(result), result.GetValue(metrics), result.GetValue(seed), result.GetValue(threads)));
        return command;
    }

    private static int Run(string modelPath, DataArguments data, string? metricsPath, int seed, int threads)
    {
        if (metricsPath is not null) CliSupport.EnsureWritable(metricsPath, "--metrics");
        NeuralNetwork network = CliSupport.LoadModel(modelPath);
        Standardizer normalization = network.Normalization
            ?? throw new UsageException($"the model file {modelPath} holds no input normalisation (mean and std of the training images), so its inputs cannot be prepared as in training.");
        network.Threads = threads;
        int[] inputShape = network.Layers[0].InputSampleShape.ToArray();
        int outputs = network.OutputSampleShape(inputShape) switch
        {
            [int n] => n,
            int[] other => throw new UsageException($"the model's output per image has shape {CliSupport.FormatShape(other)}; evaluate needs one score per class."),
        };

        var (testSource, description, folder) = data.OpenTest(seed, threads, network.ClassNames is { } names && names.Count == outputs ? names : null);
        // Class names that come from the data (folder names) must be the model's, in the same order.
        if (description?.Layout == DataLayout.ImageFolder && network.ClassNames is { Count: > 0 } modelClasses
            && !modelClasses.SequenceEqual(testSource.ClassNames))
            throw DataError(folder,
                $"its classes ({string.Join(", ", testSource.ClassNames)}) are not the model's ({string.Join(", ", modelClasses)}), in that order; " +
                "evaluate the model on data with the class folders it was trained on.");
        if (!testSource.ImageShape.SequenceEqual(inputShape))
            throw DataError(folder,
                $"its test images are {CliSupport.FormatShape(testSource.ImageShape.ToArray())} (channels×height×width) but the model {modelPath} takes {CliSupport.FormatShape(inputShape)} images; " +
                $"evaluate it on data of the size it was trained on, or convert on loading with --channels {inputShape[0]} --image-size {inputShape[1]},{inputShape[2]}.");
        if (testSource.ClassNames.Count > outputs)
            throw DataError(folder, $"the data has {testSource.ClassNames.Count} classes but the model has {outputs} outputs.");
        var skipped = data.SkipBadImages ? new List<string>() : null;
        ImageDataset rawTest = testSource.ToDataset(threads, skipped);
        foreach (string file in (description?.SkippedFiles ?? []).Concat(skipped ?? [])) Console.WriteLine($"skipped  {TerminalText.Clean(file)}");
        // Numbered classes (CSV, CIFAR) take the model's names; classes the data lacks are named by number, so that
        // the targets have one column per output.
        if (description is not null && description.Layout != DataLayout.ImageFolder && network.ClassNames is { } modelNames && modelNames.Count == outputs)
            rawTest = new ImageDataset(rawTest.Images, rawTest.Labels, modelNames);
        if (rawTest.ClassCount < outputs)
            rawTest = new ImageDataset(rawTest.Images, rawTest.Labels,
                [.. rawTest.ClassNames, .. Enumerable.Range(rawTest.ClassCount, outputs - rawTest.ClassCount).Select(i => i.ToString())]);
        IReadOnlyList<string> classNames = rawTest.ClassNames;
        ImageDataset test = normalization.Apply(rawTest);

        Evaluation evaluation = Evaluation.Run(network, test, BatchSize);
        int[,] confusion = Confusion(network, test, outputs);
        var perClass = Enumerable.Range(0, outputs).Select(c =>
        {
            int truePositive = confusion[c, c], predicted = 0, actual = 0;
            for (int k = 0; k < outputs; k++)
            {
                predicted += confusion[k, c];
                actual += confusion[c, k];
            }
            return new ClassFigures(classNames[c], c, predicted == 0 ? 0 : (double)truePositive / predicted, actual == 0 ? 0 : (double)truePositive / actual, actual);
        }).ToArray();

        Console.WriteLine($"model    {TerminalText.Clean(Path.GetFullPath(modelPath))}: {network.ParameterCount:N0} parameters, input {CliSupport.FormatShape(inputShape)}");
        Console.WriteLine($"data     {TerminalText.Clean(folder)}: {test.Count:N0} test images");
        Console.WriteLine($"test accuracy {evaluation.Accuracy:F4}");
        Console.WriteLine($"test loss     {evaluation.Loss:F4}");
        Console.WriteLine();
        EvaluationTables.Write(perClass, confusion, metricsPath is null ? null : Path.GetFullPath(metricsPath));

        if (metricsPath is not null)
        {
            var file = new EvaluationFile(Path.GetFullPath(modelPath), folder, test.Count, evaluation.Accuracy, evaluation.Loss, perClass,
                Enumerable.Range(0, outputs).Select(r => Enumerable.Range(0, outputs).Select(c => confusion[r, c]).ToArray()).ToArray());
            CliSupport.WriteAtomically(metricsPath, JsonSerializer.Serialize(file, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"metrics  {Path.GetFullPath(metricsPath)}");
        }
        return ExitCodes.Success;
    }

    // The data as a whole disagrees with the model: a folder is named as a folder, a CSV file as a file.
    private static DataFormatException DataError(string location, string problem) =>
        Directory.Exists(location) ? DataFormatException.ForFolder(location, problem) : new DataFormatException(location, problem);

    // Counts (true class, predicted class) pairs; the prediction is the largest output, as in Evaluation.
    private static int[,] Confusion(NeuralNetwork network, ImageDataset test, int outputs)
    {
        var confusion = new int[outputs, outputs];
        int sample = test.Images.SampleLength;
        int[] shape = test.Images.Shape.ToArray();
        for (int start = 0; start < test.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, test.Count - start);
            shape[0] = count;
            var batch = new Tensor(test.Images.Span.Slice(start * sample, count * sample).ToArray(), shape);
            Tensor logits = network.Infer(batch);
            for (int b = 0; b < count; b++)
                confusion[test.Labels[start + b], Evaluation.ArgMax(logits.Span.Slice(b * outputs, outputs))]++;
        }
        return confusion;
    }

    internal sealed record ClassFigures(
        [property: JsonPropertyName("class")] string Class,
        [property: JsonPropertyName("index")] int Index,
        [property: JsonPropertyName("precision")] double Precision,
        [property: JsonPropertyName("recall")] double Recall,
        [property: JsonPropertyName("support")] int Support);

    internal sealed record EvaluationFile(
        [property: JsonPropertyName("model_file")] string ModelFile,
        [property: JsonPropertyName("data")] string Data,
        [property: JsonPropertyName("test_images")] int TestImages,
        [property: JsonPropertyName("test_accuracy")] double TestAccuracy,
        [property: JsonPropertyName("test_loss")] double TestLoss,
        [property: JsonPropertyName("per_class")] IReadOnlyList<ClassFigures> PerClass,
        [property: JsonPropertyName("confusion_matrix")] int[][] ConfusionMatrix);
}
