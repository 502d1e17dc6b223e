using System.Globalization;
using System.Text.RegularExpressions;
using ScratchNet.Data;

namespace ScratchNet.Cli;

/// <summary>
/// How much memory the decoded images of a run may take (<c>--memory-budget</c>). Data that fits is decoded once, up
/// front; a training set that would not is streamed: read in the background while the network trains.
/// </summary>
internal static partial class MemoryBudget
{
    /// <summary>The default: half of the memory this process may use (the machine's, or its container's limit).</summary>
    public static long Default => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    /// <summary>
    /// The bytes training in memory takes for these images: every image as float32, twice (raw and standardised copies
    /// live together while the sets are prepared).
    /// </summary>
    public static long InMemoryBytes(long images, IReadOnlyList<int> imageShape) =>
        images * imageShape[0] * imageShape[1] * imageShape[2] * sizeof(float) * 2L;

    /// <summary>"512M", "2G", "1.5GiB", "800MB" or a plain number of bytes; null when it is not a positive size.</summary>
    public static long? TryParse(string text)
    {
        Match m = SizePattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return null;
        double scale = char.ToUpperInvariant(m.Groups[2].Value.FirstOrDefault('B')) switch
        {
            'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1,
        };
        double bytes = value * scale;
        return bytes is >= 1 and <= long.MaxValue / 2 ? (long)bytes : null;
    }

    /// <summary>"1.5 GiB".</summary>
    public static string Format(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : $"{bytes / (double)(1L << 20):0.#} MiB";

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]i?B?|B)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
