using System.CommandLine;
using System.Globalization;
using ScratchNet.Data;

namespace ScratchNet.Cli;

/// <summary>The data options, declared once for every command that reads data (a new set per command).</summary>
internal sealed class DataOptions
{
    public Option<string?> Data { get; } = CommonOptions.Data();
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

    public DataOptions()
    {
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

    /// <summary>"H,W" (or "N") as a height and width, or null when it is not two positive whole numbers.</summary>
    public static (int Height, int Width)? TryParseImageSize(string text)
    {
        string[] parts = text.Split(',', 'x', 'X');
        if (parts.Length is < 1 or > 2) return null;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int h) || h <= 0) return null;
        int w = h;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out w) || w <= 0)) return null;
        return (long)h * w <= ImageDecoder.MaxPixels ? (h, w) : null;
    }
}
