using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary><see cref="ImageSourceLoader.ToDataset"/>: the same bits at any thread count, and failures turned into clear errors.</summary>
public sealed class ImageSourceLoaderTests
{
    /// <summary>A source of computed images; image <c>failing</c> throws <c>error</c> when read.</summary>
    private sealed class Computed(int count, int failing = -1, Exception? error = null) : IImageSource
    {
        public int Count => count;
        public IReadOnlyList<int> ImageShape => [2, 3, 4];
        public IReadOnlyList<string> ClassNames => ["even", "odd"];
        public IReadOnlyList<int> Labels => Enumerable.Range(0, count).Select(i => i % 2).ToArray();
        public string Describe(int index) => $"computed/{index}.png";

        public void Read(int index, Span<float> destination)
        {
            if (index == failing) throw error!;
            for (int i = 0; i < destination.Length; i++) destination[i] = (index * 7 + i * 3) % 256;
        }
    }

    [Fact]
    public void Load_GivesTheSameTensorAtAnyThreadCount()
    {
        var source = new Computed(101);
        ImageDataset one = source.ToDataset(threads: 1), four = source.ToDataset(threads: 4);

        Assert.Equal([101, 2, 3, 4], one.Images.Shape.ToArray());
        Assert.Equal(one.Images.Span.ToArray(), four.Images.Span.ToArray());
        Assert.Equal(one.Labels, four.Labels);
        Assert.Equal(7 * 5 % 256, one.Images.Span[5 * 24]);
    }

    [Fact]
    public void UnreadableImage_IsAClearErrorNamingIt()
    {
        // Tests run as root, which reads any file whatever its permissions: the source throws what an unreadable file gives.
        var source = new Computed(10, failing: 6, new UnauthorizedAccessException("Access to the path is denied."));

        var error = Assert.Throws<DataFormatException>(() => source.ToDataset());
        Assert.Equal("computed/6.png", error.FilePath);
        Assert.Contains("cannot be read (Access to the path is denied)", error.Message);
        Assert.Contains("chmod", error.Message);
    }

    [Fact]
    public void Skipping_LeavesOutBadImagesAndClosesTheGap()
    {
        var source = new Computed(5, failing: 2, new DataFormatException("computed/2.png", "it is damaged."));
        var skipped = new List<string>();

        ImageDataset loaded = source.ToDataset(threads: 2, skipped);

        Assert.Equal(4, loaded.Count);
        Assert.Equal([0, 1, 1, 0], loaded.Labels);
        Assert.Equal((3 * 7) % 256, loaded.Images.Span[2 * 24]); // image 3 moved into place 2
        Assert.Contains("computed/2.png", Assert.Single(skipped));
    }
}
