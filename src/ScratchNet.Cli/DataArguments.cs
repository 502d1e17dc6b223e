using System.CommandLine;
using System.Globalization;
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
        try
        {
            return DataSources.Open(location, TestData, options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>The settings as text for a checkpoint (empty when not given).</summary>
    public void Describe(IDictionary<string, string> settings)
    {
        settings["data"] = Data ?? "";
        settings["test_data"] = TestData ?? "";
        settings["image_size"] = ImageSize is (int h, int w) ? $"{h},{w}" : "";
        settings["channels"] = Channels?.ToString(CultureInfo.InvariantCulture) ?? "";
        settings["test_fraction"] = TestFraction?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        settings["skip_bad_images"] = SkipBadImages ? "true" : "false";
    }

    /// <summary>The settings <see cref="Describe"/> wrote; checkpoints of older versions hold only "data".</summary>
    public static DataArguments FromDescription(IReadOnlyDictionary<string, string> settings)
    {
        string? Get(string key) => settings.TryGetValue(key, out string? v) && v.Length > 0 ? v : null;
        return new DataArguments(Get("data"), Get("test_data"), Get("image_size") is { } size ? DataOptions.ParseImageSize(size) : null,
            Get("channels") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : null,
            Get("test_fraction") is { } f ? double.Parse(f, CultureInfo.InvariantCulture) : null, Get("skip_bad_images") == "true");
    }
}

/// <summary>The data options, declared once for every command that reads data.</summary>
internal sealed class DataOptions
{
    public Option<string?> Data { get; }
    public Option<string?> TestData { get; } = new("--test-data")
    {
        Description = "The test set when the data has none of its own: a CSV file, or a folder of class folders",
    };
    public Option<string?> ImageSize { get; } = new("--image-size")
    {
        Description = "Resize every image to H,W on loading (area averaging when shrinking, bilinear when enlarging); needed when images differ in size",
    };
    public Option<int?> Channels { get; } = new("--channels") { Description = "1 (grey) or 3 (colour); default: what the data holds, 3 when any image has colour" };
    public Option<double?> TestFraction { get; } = new("--test-fraction")
    {
        Description = "For data without a test split (class folders only, one CSV file): hold out this stratified, seeded share as the test set, e.g. 0.2",
    };
    public Option<bool> SkipBadImages { get; } = new("--skip-bad-images") { Description = "Leave out image files that are damaged or not images, and list them, instead of stopping" };

    /// <param name="dataDescription">What <c>--data</c> means to the command.</param>
    public DataOptions(string dataDescription)
    {
        Data = new Option<string?>("--data") { Description = dataDescription };
        Channels.Validators.Add(result =>
        {
            if (OptionChecks.TryGet(result, out int? c) && c is not null and not 1 and not 3) result.AddError($"--channels must be 1 or 3, got {c}.");
        });
        TestFraction.Validators.Add(result =>
        {
            if (OptionChecks.TryGet(result, out double? f) && f is not null && !(f > 0 && f < 1)) result.AddError($"--test-fraction must lie strictly between 0 and 1, got {f}.");
        });
        ImageSize.Validators.Add(result =>
        {
            if (OptionChecks.TryGet(result, out string? text) && text is not null && TryParseImageSize(text) is null)
                result.AddError($"--image-size must be H,W (two positive whole numbers, e.g. 28,28), got '{text}'.");
        });
    }

    /// <summary>The help text that lists the layouts --data takes.</summary>
    public const string Layouts =
        "--data takes any of: a folder of the four IDX files; a folder with train/ and test/ (or val/) folders of class folders of PNG, JPEG or BMP images; " +
        "a folder of class folders (with --test-fraction or --test-data); a CSV file label,pixel1,…,pixelN (with --test-data or --test-fraction) or a folder with train.csv and test.csv; " +
        "a folder of CIFAR-10 binary batches. See docs/data.md.";

    public IEnumerable<Option> All => [Data, TestData, ImageSize, Channels, TestFraction, SkipBadImages];

    public void AddTo(Command command)
    {
        foreach (Option option in All) command.Options.Add(option);
    }

    public DataArguments Read(ParseResult result) => new(result.GetValue(Data), result.GetValue(TestData),
        result.GetValue(ImageSize) is { } size ? ParseImageSize(size) : null, result.GetValue(Channels), result.GetValue(TestFraction), result.GetValue(SkipBadImages));

    /// <summary>"H,W" (or one number N for N,N) as a height and width.</summary>
    public static (int Height, int Width) ParseImageSize(string text) =>
        TryParseImageSize(text) ?? throw new UsageException($"--image-size must be H,W (two positive whole numbers, e.g. 28,28), got '{text}'.");

    private static (int, int)? TryParseImageSize(string text)
    {
        string[] parts = text.Split(',', 'x', 'X');
        if (parts.Length is < 1 or > 2) return null;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int h) || h <= 0) return null;
        int w = h;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out w) || w <= 0)) return null;
        return (long)h * w <= ImageDecoder.MaxPixels ? (h, w) : null;
    }
}
