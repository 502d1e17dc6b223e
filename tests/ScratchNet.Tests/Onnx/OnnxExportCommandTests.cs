using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using ScratchNet.Onnx;
using ScratchNet.Serialization;
using ScratchNet.Tests.Cli;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;

namespace ScratchNet.Tests.Onnx;

[Collection(nameof(InProcessCliCollection))]
public class OnnxExportCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] arguments) => InProcessCli.Run(arguments);

    // 7 real Fashion-MNIST test images, raw 0–255, as [7, 1, 28, 28].
    private static (float[] Raw, int[] Shape) TestImages()
    {
        var images = RawTest.Take(7).Images;
        return (images.Span.ToArray(), images.Shape.ToArray());
    }

    [Fact]
    public void ExportWritesAFileOnnxRuntimeRunsLikePredict()
    {
        string onnx = NewPath(".onnx");
        var result = Run("export", "--model-file", TrainedModelPath, "--onnx", onnx);
        AssertSuccess(result);
        Assert.Contains("raw 0-255 pixels", result.Output);

        NeuralNetwork network = NeuralNetwork.Load(TrainedModelPath);
        using var session = new InferenceSession(onnx);
        Assert.Equal(network.ClassNames, JsonSerializer.Deserialize<string[]>(session.ModelMetadata.CustomMetadataMap[OnnxExporter.ClassNamesKey]));

        var (raw, shape) = TestImages();
        float[] onnxLogits = OnnxRuntimeRunner.Run(session, raw, shape);
        var standardised = new Tensor((float[])raw.Clone(), shape);
        network.Normalization!.ApplyInPlace(standardised);
        float[] expected = network.Predict(standardised).Span.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(onnxLogits[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"logit {i}: {onnxLogits[i]} vs {expected[i]}");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ExportedTrainedModelAgreesOnAllTenThousandTestImages()
    {
        // The trained seed-cnn on the whole Fashion-MNIST test set: the same top-1 class for every image, logits within 1e-4.
        string onnx = NewPath(".onnx");
        AssertSuccess(Run("export", "--model-file", TrainedModelPath, "--onnx", onnx));
        NeuralNetwork network = NeuralNetwork.Load(TrainedModelPath);
        using var session = new InferenceSession(onnx);

        var images = RawTest.Images;
        Assert.Equal(10_000, images.Dim(0));
        const int batch = 500;
        int sample = images.SampleLength, disagreements = 0;
        double worst = 0;
        for (int start = 0; start < images.Dim(0); start += batch)
        {
            float[] raw = images.Span.Slice(start * sample, batch * sample).ToArray();
            int[] shape = [batch, .. images.Shape[1..]];
            float[] onnxLogits = OnnxRuntimeRunner.Run(session, raw, shape);
            var standardised = new Tensor(raw, shape);
            network.Normalization!.ApplyInPlace(standardised);
            float[] expected = network.Predict(standardised).Span.ToArray();
            for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(onnxLogits[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i])));
            for (int row = 0; row < batch; row++)
                if (OnnxRuntimeRunner.ArgMax(onnxLogits.AsSpan(row * 10, 10)) != OnnxRuntimeRunner.ArgMax(expected.AsSpan(row * 10, 10))) disagreements++;
        }
        Assert.True(worst <= 1e-4, $"largest logit difference {worst:G3}");
        Assert.Equal(0, disagreements);
    }


    [Fact]
    public void ProbabilitiesWithoutNormalizationTakesStandardisedInput()
    {
        string onnx = NewPath(".onnx");
        AssertSuccess(Run("export", "--model-file", TrainedModelPath, "--onnx", onnx, "--no-normalization", "--probabilities"));

        NeuralNetwork network = NeuralNetwork.Load(TrainedModelPath);
        using var session = new InferenceSession(onnx);
        Assert.Equal("probabilities", Assert.Single(session.OutputNames));
        var (raw, shape) = TestImages();
        var standardised = new Tensor(raw, shape);
        network.Normalization!.ApplyInPlace(standardised);
        float[] probabilities = OnnxRuntimeRunner.Run(session, standardised.Span.ToArray(), shape);
        float[] logits = network.Predict(standardised).Span.ToArray();
        for (int row = 0; row < shape[0]; row++)
        {
            Assert.Equal(1f, probabilities.AsSpan(row * 10, 10).ToArray().Sum(), 4);
            int best = Array.IndexOf(logits, logits.AsSpan(row * 10, 10).ToArray().Max(), row * 10);
            Assert.Equal(best, Array.IndexOf(probabilities, probabilities.AsSpan(row * 10, 10).ToArray().Max(), row * 10));
        }
    }

    [Fact]
    public void BadInputIsOneErrorLine()
    {
        string missing = NewPath(".safetensors");
        AssertOneError(Run("export", "--model-file", missing, "--onnx", NewPath(".onnx")), 1, missing);

        string notAModel = NewPath(".safetensors");
        File.WriteAllText(notAModel, "not a model");
        string onnx = NewPath(".onnx");
        AssertOneError(Run("export", "--model-file", notAModel, "--onnx", onnx), 1, notAModel);
        Assert.False(File.Exists(onnx));

        string folder = Directory.CreateDirectory(NewPath("")).FullName;
        AssertOneError(Run("export", "--model-file", TrainedModelPath, "--onnx", folder), 2, "is a folder");
        AssertOneError(Run("export", "--model-file", TrainedModelPath), 2, "--onnx");
    }
}
