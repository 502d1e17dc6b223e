using ScratchNet.Cli;
using ScratchNet.Data;

namespace ScratchNet.Tests.Cli;

/// <summary>The data step of <c>train</c>: <c>--limit</c> and <c>--validation</c> applied to the raw sets of any source.</summary>
public sealed class TrainingDataTests
{
    private static ImageDataset Images(int count) =>
        new(TestData.Uniform(count, 0f, 255f, [count, 3, 4, 4]), Enumerable.Range(0, count).Select(i => i % 2).ToArray(), ["a", "b"]);

    [Fact]
    public void Load_TakesTheLimitThenHoldsOutTheValidationImages()
    {
        var source = new TrainingData(Images(50), null, Images(10), "memory");

        TrainingData data = TrainingData.Load(new TrainSettings { Limit = 40, Validation = 15, Seed = 1 }, source);

        Assert.Equal(25, data.Train.Count);
        Assert.Equal(15, data.Validation!.Count);
        Assert.Same(source.Test, data.Test);
        Assert.Equal("memory: 25 training images (15 held out for validation), 10 test images of [3, 4, 4], 2 classes", data.Describe());
    }

    [Fact]
    public void Load_ValidationFromASourceThatHasOne_IsRefused()
    {
        var source = new TrainingData(Images(50), Images(5), Images(10), "folder");

        var e = Assert.Throws<UsageException>(() => TrainingData.Load(new TrainSettings { Validation = 10 }, source));

        Assert.Contains("folder has a validation set of its own; leave out --validation", e.Message);
    }

    [Fact]
    public void Load_ValidationAsLargeAsTheTrainingSet_IsRefused()
    {
        var e = Assert.Throws<UsageException>(() => TrainingData.Load(new TrainSettings { Validation = 50 }, new TrainingData(Images(50), null, Images(10), "memory")));

        Assert.Contains("--validation 50 leaves no training images out of 50", e.Message);
    }
}
