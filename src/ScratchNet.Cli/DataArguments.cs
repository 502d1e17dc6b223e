using ScratchNet.Data;

namespace ScratchNet.Cli;

/// <summary>
/// Where the data is and how to read it, as given by <c>--data</c>, <c>--test-data</c>, <c>--image-size</c>, <c>--channels</c>,
/// <c>--test-fraction</c> and <c>--skip-bad-images</c> (declared once in <see cref="DataOptions"/>).
/// </summary>
internal sealed record DataArguments(string? Data, string? TestData = null, (int Height, int Width)? ImageSize = null, int? Channels = null,
                                     double? TestFraction = null, bool SkipBadImages = false)
{
    /// <summary>
    /// Opens the data: <see cref="Data"/> in whatever layout it is, or, when not given, the IDX folder that
    /// <see cref="DataLocator"/> finds (<c>SCRATCHNET_DATA</c>, then the default).
    /// </summary>
    public TrainTestSources Open(int seed, int threads) =>
        DataSources.Open(Location(), TestData, Options(seed, threads)); // the option values were checked when parsed

    /// <summary>
    /// The test set alone, with the description when the whole data set had to be opened for it: of IDX files only
    /// the t10k files are read (the training files may be large or damaged and are not needed), named
    /// <paramref name="idxClassNames"/> when given.
    /// </summary>
    public (IImageSource Test, DataDescription? Description, string Location) OpenTest(int seed, int threads, IReadOnlyList<string>? idxClassNames)
    {
        string location = Location();
        if (TestData is null && DataSources.Recognise(location) == DataLayout.Idx)
        {
            ImageDataset test = IdxDatasetLoader.LoadTest(location, idxClassNames);
            return (new InMemoryImageSource(test, Path.Combine(location, "t10k-images-idx3-ubyte"), Options(seed, threads)), null, Path.GetFullPath(location));
        }
        TrainTestSources sources = DataSources.Open(location, TestData, Options(seed, threads));
        return (sources.Test, sources.Description, sources.Description.Location);
    }

    // A path that does not exist gets the locator's message, which says how to get Fashion-MNIST.
    private string Location() => Data is not null && (File.Exists(Data) || Directory.Exists(Data)) ? Data : DataLocator.Locate(Data);

    private DataSourceOptions Options(int seed, int threads) => new()
    {
        ImageSize = ImageSize, Channels = Channels, TestFraction = TestFraction, SkipBadImages = SkipBadImages, Seed = seed, Threads = threads,
    };
}
