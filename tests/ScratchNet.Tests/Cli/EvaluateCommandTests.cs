using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Serialization;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary><c>scratchnet evaluate</c> reports exactly what <see cref="Evaluation.Run"/> computes, plus per-class figures.</summary>
public sealed class EvaluateCommandTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public void Evaluate_TrainedModel_MatchesEvaluationRunExactly()
    {
        string metrics = NewPath(".json");
        var result = Run("evaluate", "--model-file", TrainedModelPath, "--threads", "1", "--metrics", metrics);

        AssertSuccess(result);
        NeuralNetwork network = NeuralNetwork.Load(TrainedModelPath);
        ImageDataset test = network.Normalization!.Apply(RawTest);
        Evaluation expected = Evaluation.Run(network, test);

        using var json = JsonDocument.Parse(File.ReadAllText(metrics));
        JsonElement root = json.RootElement;
        Assert.Equal(expected.Accuracy, root.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(expected.Loss, root.GetProperty("test_loss").GetDouble());
        Assert.Contains($"test accuracy {expected.Accuracy:F4}", result.Output);
        Assert.Contains($"test loss     {expected.Loss:F4}", result.Output);

        int[][] confusion = root.GetProperty("confusion_matrix").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(10, confusion.Length);
        Assert.All(confusion, r => Assert.Equal(10, r.Length));
        Assert.Equal(test.Count, confusion.Sum(r => r.Sum()));
        int correct = Enumerable.Range(0, 10).Sum(i => confusion[i][i]);
        Assert.Equal(expected.Accuracy, (double)correct / test.Count);
        for (int c = 0; c < 10; c++) Assert.Equal(test.Labels.Count(l => l == c), confusion[c].Sum()); // rows are the true class

        JsonElement[] perClass = root.GetProperty("per_class").EnumerateArray().ToArray();
        Assert.Equal(IdxDatasetLoader.FashionMnistClassNames, perClass.Select(p => p.GetProperty("class").GetString()));
        for (int c = 0; c < 10; c++)
        {
            int predicted = confusion.Sum(r => r[c]);
            double precision = predicted == 0 ? 0 : (double)confusion[c][c] / predicted;
            Assert.Equal(precision, perClass[c].GetProperty("precision").GetDouble(), 12);
            Assert.Equal((double)confusion[c][c] / confusion[c].Sum(), perClass[c].GetProperty("recall").GetDouble(), 12);
        }
        Assert.Contains("confusion matrix (rows: true class, columns: predicted class)", result.Output);
        Assert.Contains("9 Ankle boot", result.Output);
    }

    [Fact]
    public void Evaluate_ModelWithoutNormalization_IsRefused()
    {
        string model = SaveSmallModel([1, 28, 28], normalization: null);
        AssertOneError(Run("evaluate", "--model-file", model), 2, "normalisation");
    }

    [Fact]
    public void Evaluate_ImageSizeDiffersFromModel_SaysBoth()
    {
        string model = SaveSmallModel([1, 14, 14], new Standardizer(72f, 90f));
        var result = Run("evaluate", "--model-file", model);
        AssertOneError(result, 2, "1×28×28");
        Assert.Contains("1×14×14", result.Error);
    }

    [Fact]
    public void Evaluate_MissingOrCorruptModelFile_FailsWithOneLine()
    {
        AssertOneError(Run("evaluate", "--model-file", "/no/such/model.safetensors"), 1, "does not exist");
        string garbage = NewPath(".safetensors");
        File.WriteAllText(garbage, "this is not a model");
        AssertOneError(Run("evaluate", "--model-file", garbage), 1, garbage);
        AssertOneError(Run("evaluate"), 2, "--model-file");
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(3000, false)]
    public void Evaluate_ManyClasses_SummarisedAboveThirty(int classes, bool whole)
    {
        string folder = TenImageFolder();
        string model = SaveWideModel(classes);

        var result = Run("evaluate", "--model-file", model, "--data", folder, "--threads", "1");

        AssertSuccess(result);
        Assert.Equal(whole, result.Output.Contains("confusion matrix (rows: true class, columns: predicted class)"));
        if (whole) return;
        int present = RawTest.Labels.Take(10).Distinct().Count(); // fewer than 10: every class with test images is listed
        Assert.Contains($"3000 classes: the {present} with test images and the lowest recall (add --metrics FILE to write them all as JSON)", result.Output);
        Assert.Contains("confusion matrix: 3000×3000 is too large to print (add --metrics FILE to write it as JSON)", result.Output);
        Assert.True(result.Output.Length < 4000, $"{result.Output.Length} characters printed");
    }

    [Fact]
    public void Evaluate_FortyClassesWithMetrics_TheFileHoldsEveryClassAndTheWholeMatrix()
    {
        string metrics = NewPath(".json");

        var result = Run("evaluate", "--model-file", SaveWideModel(40), "--data", TenImageFolder(), "--threads", "1", "--metrics", metrics);

        AssertSuccess(result);
        Assert.Contains($"all are in {metrics}", result.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(metrics));
        Assert.Equal(40, json.RootElement.GetProperty("per_class").GetArrayLength());
        var matrix = json.RootElement.GetProperty("confusion_matrix");
        Assert.Equal(40, matrix.GetArrayLength());
        Assert.All(matrix.EnumerateArray(), row => Assert.Equal(40, row.GetArrayLength()));
        Assert.Equal(10, matrix.EnumerateArray().Sum(row => row.EnumerateArray().Sum(c => c.GetInt32())));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Evaluate_TrainingImagesAreAGzipBomb_UsesOnlyTheTestFiles()
    {
        // The training images declare 10 images and hold a gigabyte of zeros (about 1 MB on disk).
        string folder = TenImageFolder();
        File.Delete(Path.Combine(folder, "train-images-idx3-ubyte"));
        Data.IdxBytes.WriteGzipBomb(Path.Combine(folder, "train-images-idx3-ubyte.gz"), [10, 28, 28], zeros: 1L << 30);

        var result = Run("evaluate", "--model-file", TrainedModelPath, "--data", folder, "--threads", "1");

        AssertSuccess(result);
        Assert.Contains("10 test images", result.Output);
    }

    // A data folder (not named "fashion") with the first ten Fashion-MNIST test images as both sets.
    private static string TenImageFolder()
    {
        string folder = Directory.CreateDirectory(NewPath("")).FullName;
        byte[] pixels = Enumerable.Range(0, 10).SelectMany(TestPixels).ToArray();
        byte[] labels = Enumerable.Range(0, 10).Select(i => (byte)RawTest.Labels[i]).ToArray();
        foreach (string set in new[] { "train", "t10k" })
        {
            IdxFile.Write(Path.Combine(folder, $"{set}-images-idx3-ubyte"), [10, 28, 28], pixels, gzip: false);
            IdxFile.Write(Path.Combine(folder, $"{set}-labels-idx1-ubyte"), [10], labels, gzip: false);
        }
        return folder;
    }

    // An untrained 1×28×28 → `classes` model with a normalisation and no class names.
    private static string SaveWideModel(int classes)
    {
        var network = new NeuralNetwork([new Flatten(), new Dense(classes)], new SoftmaxCrossEntropy(), seed: 3);
        network.Build([1, 28, 28]);
        network.Normalization = new Standardizer(72f, 90f);
        string path = NewPath(".safetensors");
        network.Save(path);
        return path;
    }

    [Fact]
    public void Evaluate_MissingData_FailsWithInstructions()
    {
        AssertOneError(Run("evaluate", "--model-file", TrainedModelPath, "--data", "/no/such/folder"), 2, "apt-get install dataset-fashion-mnist");
    }
}
