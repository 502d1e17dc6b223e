using System.Globalization;

namespace ScratchNet.Bench.Scaling;

/// <summary>The benchmark's command line: a mode, then --name value pairs.</summary>
internal sealed record BenchArguments(string Mode, IReadOnlyDictionary<string, string> Values)
{
    public static BenchArguments Parse(string[] args)
    {
        string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "table";
        var values = new Dictionary<string, string>();
        for (int i = mode == "table" ? 0 : 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected an option, got '{args[i]}'");
            if (args[i] == "--worker") { mode = "worker"; continue; }
            values[args[i][2..]] = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        }
        return new BenchArguments(mode, values);
    }

    public int Int(string name, int fallback) => Values.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string Text(string name, string fallback) => Values.TryGetValue(name, out string? v) ? v : fallback;
}
