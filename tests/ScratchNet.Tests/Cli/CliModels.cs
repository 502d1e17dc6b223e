using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;
using SkiaSharp;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// Model files and images shared by the command tests: a seed-cnn trained briefly on real Fashion-MNIST
/// (created once per test run), and helpers that check the one-line error contract.
/// </summary>
internal static class CliModels
{
    private static readonly string Folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), $"scratchnet-cli-tests-{Environment.ProcessId}")).FullName;

    private static readonly Lazy<string> TrainedModel = new(CreateTrainedModel);
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)> Data = new(() =>
    {
        Assert.True(Directory.Exists(DataLocator.DefaultDirectory),
            $"Fashion-MNIST is not installed at {DataLocator.DefaultDirectory}; run 'sudo apt-get install dataset-fashion-mnist'.");
        return IdxDatasetLoader.LoadFolder(DataLocator.DefaultDirectory);
    });

    static CliModels() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    };

    /// <summary>The raw (unstandardised) Fashion-MNIST test set.</summary>
    public static ImageDataset RawTest => Data.Value.Test;

    /// <summary>A seed-cnn trained for one epoch on 600 real images, saved with its normalisation and class names.</summary>
    public static string TrainedModelPath => TrainedModel.Value;

    /// <summary>A fresh path in the shared temporary folder.</summary>
    public static string NewPath(string extension) => Path.Combine(Folder, Guid.NewGuid().ToString("N") + extension);

    private static string CreateTrainedModel()
    {
        ImageDataset rawTrain = Data.Value.Train.Take(600);
        Standardizer standardizer = Standardizer.Fit(rawTrain.Images);
        ModelPreset preset = ModelPreset.SeedCnn;
        NeuralNetwork network = preset.CreateNetwork(seed: 1);
        network.Normalization = standardizer;
        network.ClassNames = rawTrain.ClassNames;
        new Trainer(network, new SGDMomentum(preset.LearningRate, preset.Momentum))
            .Fit(standardizer.Apply(rawTrain), standardizer.Apply(Data.Value.Test.Take(100)), new TrainingOptions { Epochs = 1, BatchSize = preset.BatchSize, Seed = 1 });
        string path = NewPath(".safetensors");
        network.Save(path);
        return path;
    }

    /// <summary>A small built network saved without normalisation (or with <paramref name="normalization"/>), for error cases.</summary>
    public static string SaveSmallModel(int[] inputShape, Standardizer? normalization)
    {
        var network = new NeuralNetwork([new Flatten(), new Dense(10)], new SoftmaxCrossEntropy(), seed: 3);
        network.Build(inputShape);
        network.Normalization = normalization;
        network.ClassNames = IdxDatasetLoader.FashionMnistClassNames;
        string path = NewPath(".safetensors");
        network.Save(path);
        return path;
    }

    /// <summary>The 28×28 raw pixels of test image <paramref name="index"/>, as bytes 0..255.</summary>
    public static byte[] TestPixels(int index)
    {
        int sample = RawTest.Images.SampleLength;
        return RawTest.Images.Span.Slice(index * sample, sample).ToArray().Select(v => (byte)v).ToArray();
    }

    /// <summary>Writes a PNG (encoded by SkiaSharp, which the report already brings) and returns its path.</summary>
    public static string WritePng(byte[] pixels, int width, int height, ColorComponents components) =>
        Encode(pixels, width, height, components, SKEncodedImageFormat.Png, ".png");

    /// <summary>Writes a JPEG (encoded by SkiaSharp, quality 95) and returns its path.</summary>
    public static string WriteJpeg(byte[] pixels, int width, int height, ColorComponents components) =>
        Encode(pixels, width, height, components, SKEncodedImageFormat.Jpeg, ".jpg");

    private static string Encode(byte[] pixels, int width, int height, ColorComponents components, SKEncodedImageFormat format, string extension)
    {
        var info = components == ColorComponents.Grey
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        string path = NewPath(extension);
        using var data = SKData.CreateCopy(pixels);
        using var image = SKImage.FromPixels(info, data, info.RowBytes);
        using var encoded = image.Encode(format, 95);
        File.WriteAllBytes(path, encoded.ToArray());
        return path;
    }

    /// <summary>Asserts the error contract: the exit code, exactly one "error:" line naming <paramref name="expected"/>, no stack trace.</summary>
    public static void AssertOneError((int ExitCode, string Output, string Error) result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, expected {exitCode}; stderr: {result.Error}");
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {result.Error}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("this is a bug", result.Error);
    }

    /// <summary>Asserts a successful run.</summary>
    public static void AssertSuccess((int ExitCode, string Output, string Error) result) =>
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}; stderr: {result.Error}; stdout: {result.Output}");
}

/// <summary>The pixel layouts the tests write.</summary>
internal enum ColorComponents
{
    Grey,
    RedGreenBlueAlpha,
}
