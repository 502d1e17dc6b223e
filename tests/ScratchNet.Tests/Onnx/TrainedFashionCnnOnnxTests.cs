using Microsoft.ML.OnnxRuntime;
using ScratchNet.Data;
using ScratchNet.Models;
using ScratchNet.Onnx;
using ScratchNet.Optimizers;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;

namespace ScratchNet.Tests.Onnx;

/// <summary>
/// A fashion-cnn trained briefly on real Fashion-MNIST (batch norm statistics learnt, not random), exported: ONNX Runtime
/// agrees with ScratchNet on all 10,000 test images (same top-1, logits within 1e-4), and importing the file back gives
/// ScratchNet's own outputs within 1e-5 (on the first 1,000).
/// </summary>
[Trait("Category", "Slow")]
public class TrainedFashionCnnOnnxTests
{
    [Fact]
    public void TrainedFashionCnnAgreesWithOnnxRuntimeOnAllTestImagesAndRoundTrips()
    {
        ImageDataset rawTrain = IdxDatasetLoader.LoadFolder(DataLocator.DefaultDirectory).Train.Take(600);
        Standardizer standardizer = Standardizer.Fit(rawTrain.Images);
        ModelPreset preset = ModelPreset.FashionCnn;
        NeuralNetwork network = preset.CreateNetwork(seed: 1);
        network.Normalization = standardizer;
        network.ClassNames = rawTrain.ClassNames;
        network.Threads = 2;
        new Trainer(network, new Adam(preset.LearningRate))
            .Fit(standardizer.Apply(rawTrain), standardizer.Apply(RawTest.Take(100)), new TrainingOptions { Epochs = 1, BatchSize = preset.BatchSize, Seed = 1 });

        using var stream = new MemoryStream();
        OnnxExporter.Export(network, stream);
        byte[] onnx = stream.ToArray();
        using var session = new InferenceSession(onnx);
        NeuralNetwork imported = OnnxImporter.Import(onnx).Network;
        imported.Threads = 2;

        var images = RawTest.Images;
        Assert.Equal(10_000, images.Dim(0));
        const int batch = 500;
        int sample = images.SampleLength, disagreements = 0;
        double worst = 0, worstImported = 0;
        for (int start = 0; start < images.Dim(0); start += batch)
        {
            float[] raw = images.Span.Slice(start * sample, batch * sample).ToArray();
            int[] shape = [batch, .. images.Shape[1..]];
            float[] onnxLogits = OnnxRuntimeRunner.Run(session, raw, shape);
            var standardised = new Tensor(raw, shape);
            standardizer.ApplyInPlace(standardised);
            float[] expected = network.Predict(standardised).Span.ToArray();
            for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(onnxLogits[i] - expected[i]));
            if (start < 1000)   // the imported model on the first 1,000 images
            {
                float[] back = imported.Predict(standardised).Span.ToArray();
                for (int i = 0; i < expected.Length; i++)
                    worstImported = Math.Max(worstImported, Math.Abs(back[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i])));
            }
            for (int row = 0; row < batch; row++)
                if (OnnxRuntimeRunner.ArgMax(onnxLogits.AsSpan(row * 10, 10)) != OnnxRuntimeRunner.ArgMax(expected.AsSpan(row * 10, 10))) disagreements++;
        }
        Assert.True(worst <= 1e-4, $"largest logit difference from ONNX Runtime {worst:G3}");
        Assert.True(worstImported <= 1e-5, $"largest difference of the imported model {worstImported:G3}");
        Assert.Equal(0, disagreements);
    }

}
