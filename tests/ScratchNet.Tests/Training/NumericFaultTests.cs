using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>NaN and infinity are caught in the step they appear in, with the layer named and advice given.</summary>
public sealed class NumericFaultTests
{
    /// <summary>An activation whose derivative is NaN for inputs above 0.5: the forward pass stays finite.</summary>
    private sealed class BrokenDerivative : Activation
    {
        protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);

        protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0.5f ? float.NaN : dy[i];
        }
    }

    [Fact]
    public void NaNGradient_StopsTrainingInThatStep_NamingTheParameterAndItsLayer()
    {
        var data = TrainerTests.TopOrBottom(16, seed: 1);
        var network = new NeuralNetwork([new Flatten(), new Dense(4, new BrokenDerivative()), new Dense(2)], new SoftmaxCrossEntropy(), seed: 2);
        var optimizer = new SGD(0.1f);
        float[]? weightsBefore = null;
        var trainer = new Trainer(network, optimizer);
        trainer.BatchCompleted += _ => weightsBefore = network.Parameters[0].Value.Span.ToArray();

        var e = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Fit(data, data, new TrainingOptions { Epochs = 1, BatchSize = 16 }));

        Assert.Contains("1.weight (Dense)", e.Message);
        Assert.Contains("lower learning rate", e.Message);
        Assert.Equal(1, e.Epoch);
        Assert.Equal(1, e.Batch);
        Assert.Null(weightsBefore); // no step was taken with the NaN gradient
        Assert.True(network.Parameters.All(p => p.Value.AllFinite()), "a NaN reached the weights");
    }

    [Fact]
    public void NetworkGradientCheck_WithDropoutAndBatchNorm_FreezesTheMaskAndLeavesRunningStatisticsAlone()
    {
        var network = new NeuralNetwork([new Flatten(), new Dense(6, bias: false), new BatchNorm(), new ActivationLayer(new Tanh()), new Dropout(0.5f), new Dense(2)],
            new SoftmaxCrossEntropy(), seed: 4);
        var input = TestData.Uniform(5, 8, 1, 4, 4);
        network.Build([1, 4, 4]);
        float[] runningMean = network.NamedBuffers().First().Buffer.Value.Span.ToArray();

        GradientCheckReport report = GradientChecker.Check(network, input, TestData.OneHot(3, 8, 2));

        Assert.True(report.Passed(), report.ToString());
        Assert.Equal(runningMean, network.NamedBuffers().First().Buffer.Value.Span.ToArray());
    }

    [Fact]
    public void InfiniteLoss_IsReportedWithTheLearningRateToTry()
    {
        var data = TrainerTests.TopOrBottom(16, seed: 1);
        var network = new NeuralNetwork([new Flatten(), new Dense(2)], new MeanSquaredError(), seed: 2);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer(network, new SGD(1e30f)).Fit(data, data, new TrainingOptions { Epochs = 3, BatchSize = 4 }));
        Assert.Contains("--lr 1E+29", e.Message);
    }
}
