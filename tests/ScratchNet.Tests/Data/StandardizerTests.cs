using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

public sealed class StandardizerTests
{
    [Fact]
    public void Fit_GivesMeanAndPopulationStd()
    {
        var standardizer = Standardizer.Fit(Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8], 2, 1, 2, 2));

        Assert.Equal(4.5f, standardizer.Mean[0], 1e-6f);
        Assert.Equal(MathF.Sqrt(5.25f), standardizer.Std[0], 1e-6f); // Population variance of 1..8 is 63/12.
    }

    [Fact]
    public void Fit_MeasuresEachChannelOnItsOwn()
    {
        // Two RGB-like images of 2 pixels, channels [0..1], [10..11], [100..101] + image offset.
        float[] values = [0, 1, 10, 11, 100, 101, 2, 3, 12, 13, 102, 103];
        var standardizer = Standardizer.Fit(Tensor.FromArray(values, 2, 3, 1, 2));

        Assert.Equal([1.5f, 11.5f, 101.5f], standardizer.Mean);
        Assert.All(standardizer.Std, s => Assert.Equal(MathF.Sqrt(1.25f), s, 1e-6f)); // Values 0..3 around 1.5.
        var images = Tensor.FromArray(values, 2, 3, 1, 2);
        standardizer.ApplyInPlace(images);
        for (int c = 0; c < 3; c++)
        {
            float[] plane = [images[2 * c], images[2 * c + 1], images[6 + 2 * c], images[6 + 2 * c + 1]];
            Assert.Equal(0f, plane.Sum(), 1e-5f);
        }
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(1e-45f)] // denormal: its reciprocal is infinite
    public void Constructor_RefusesAStdThatCannotDivide(float std)
    {
        var e = Assert.Throws<ArgumentException>(() => new Standardizer(0f, std));
        Assert.Contains("std of channel 0", e.Message);
    }

    [Fact]
    public void Fit_OfAConstantChannel_DividesByOne()
    {
        var standardizer = Standardizer.Fit(Tensor.FromArray([5, 5, 5, 5], 1, 1, 2, 2));
        Assert.Equal(5f, standardizer.Mean[0]);
        Assert.Equal(1f, standardizer.Std[0]);
    }

    [Fact]
    public void Apply_ToAnotherSet_UsesTheTrainingStatistics()
    {
        // Design defect #1 of the seed notebook: each set was standardised with its own statistics.
        var train = new ImageDataset(Tensor.FromArray([0, 2, 4, 6], 2, 1, 1, 2), [0, 1], ["a", "b"]);
        var test = new ImageDataset(Tensor.FromArray([10, 10, 20, 20], 2, 1, 1, 2), [1, 0], ["a", "b"]);
        var standardizer = Standardizer.Fit(train.Images); // Mean 3, std √5.

        var standardizedTest = standardizer.Apply(test);

        float std = MathF.Sqrt(5);
        Assert.Equal([7 / std, 7 / std, 17 / std, 17 / std], standardizedTest.Images.Span.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
        // With its own statistics the test set would have mean 0; with the training ones it does not.
        Assert.NotEqual(0f, standardizedTest.Images.Sum() / 4, 1e-3f);
        Assert.Equal([10f, 10f, 20f, 20f], test.Images.Span.ToArray()); // The input is not modified.
        Assert.Equal(test.Labels, standardizedTest.Labels);
    }

    /// <summary>A source over raw images in memory.</summary>
    private sealed class MemorySource(ImageDataset raw) : IImageSource
    {
        public int Count => raw.Count;
        public IReadOnlyList<int> ImageShape => raw.SampleShape;
        public IReadOnlyList<string> ClassNames => raw.ClassNames;
        public IReadOnlyList<int> Labels => raw.Labels;
        public string Describe(int index) => $"image {index}";
        public void Read(int index, Span<float> destination) =>
            raw.Images.Span.Slice(index * destination.Length, destination.Length).CopyTo(destination);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Measuring_a_source_on_any_number_of_threads_gives_the_in_memory_statistics(int threads)
    {
        var random = new Random(3);
        var images = new Tensor(50, 3, 6, 5);
        foreach (ref float v in images.Span) v = (float)(random.NextDouble() * 255); // not integers: additions round
        var raw = new ImageDataset(images, new int[50], ["only"]);

        Standardizer measured = ChannelStatistics.Measure(new MemorySource(raw), threads).ToStandardizer();

        Assert.Equal(Standardizer.Fit(images), measured);
    }
}
