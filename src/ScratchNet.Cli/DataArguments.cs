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
    public TrainTestSources Open(int seed, int threads)
    {
        // A path that does not exist gets the locator's message, which says how to get Fashion-MNIST.
        string location = Data is not null && (File.Exists(Data) || Directory.Exists(Data)) ? Data : DataLocator.Locate(Data);
        var options = new DataSourceOptions
        {
            ImageSize = ImageSize, Channels = Channels, TestFraction = TestFraction, SkipBadImages = SkipBadImages, Seed = seed, Threads = threads,
        };
        return DataSources.Open(location, TestData, options); // the option values were checked when parsed
    }
}
