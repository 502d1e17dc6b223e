using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Serialization;
using ScratchNet.Tests.Cli;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;

namespace ScratchNet.Tests.Onnx;

/// <summary><c>train --init-from</c>: fine-tuning an imported model on the real data, and the errors when it does not fit.</summary>
[Collection(nameof(InProcessCliCollection))]
public class InitFromCommandTests
{
    // The trained seed-cnn exported to ONNX and imported back: a model file as a PyTorch user's would arrive.
    private static string ImportedModel()
    {
        string onnx = NewPath(".onnx"), model = NewPath(".safetensors");
        AssertSuccess(InProcessCli.Run("export", "--model-file", TrainedModelPath, "--onnx", onnx));
        AssertSuccess(InProcessCli.Run("import", "--onnx", onnx, "--out", model));
        return model;
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void FineTuningStartsFromTheFilesWeightsAndKeepsItsNormalization()
    {
        string start = ImportedModel();
        NeuralNetwork initial = NeuralNetwork.Load(start);

        // A vanishing learning rate: the run's model must still be the file's, weight for weight.
        string still = Path.Combine(NewPath(""), "run");
        AssertSuccess(InProcessCli.Run("train", "--init-from", start, "--epochs", "1", "--limit", "300", "--optimizer", "sgd", "--lr", "1e-12", "--out", still, "--quiet"));
        NeuralNetwork same = NeuralNetwork.Load(Path.Combine(still, "model.safetensors"));
        Assert.Equal(initial.Normalization, same.Normalization);
        foreach (var ((name, a), (_, b)) in initial.NamedParameters().Zip(same.NamedParameters()))
            Assert.True(a.Value.Span.SequenceEqual(b.Value.Span) || MaxDifference(a.Value, b.Value) < 1e-6, $"{name} moved");

        // A real fine-tuning step moves the weights, and the run keeps the architecture.
        string tuned = Path.Combine(NewPath(""), "run");
        var result = InProcessCli.Run("train", "--init-from", start, "--epochs", "1", "--limit", "600", "--lr", "1e-3", "--out", tuned);
        AssertSuccess(result);
        Assert.Contains("test accuracy", result.Output);
        NeuralNetwork after = NeuralNetwork.Load(Path.Combine(tuned, "model.safetensors"));
        Assert.Equal(initial.Normalization, after.Normalization);
        Assert.Equal(initial.ParameterCount, after.ParameterCount);
        Assert.True(MaxDifference(initial.Parameters[0].Value, after.Parameters[0].Value) > 1e-4);
    }

    private static double MaxDifference(Tensor a, Tensor b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a.Span[i] - b.Span[i]));
        return worst;
    }

    [Fact]
    public void AModelThatDoesNotFitTheDataIsAnError()
    {
        string start = TrainedModelPath;
        AssertOneError(InProcessCli.Run("train", "--init-from", start, "--image-size", "32,32", "--epochs", "1", "--limit", "100"), 2,
            "takes images of 1×28×28 but the data's are 1×32×32; give --image-size 28,28 --channels 1");

        var three = new NeuralNetwork([new Flatten(), new Dense(3)], new SoftmaxCrossEntropy());
        three.Build([1, 28, 28]);
        string threeClasses = NewPath(".safetensors");
        three.Save(threeClasses);
        AssertOneError(InProcessCli.Run("train", "--init-from", threeClasses, "--epochs", "1", "--limit", "100"), 2, "gives 3 outputs per image but the data has 10 classes");

        AssertOneError(InProcessCli.Run("train", "--init-from", start, "--model", "mlp"), 2, "--init-from brings its own layers");
        AssertOneError(InProcessCli.Run("train", "--init-from", NewPath(".safetensors")), 2, "the file does not exist");
    }
}
