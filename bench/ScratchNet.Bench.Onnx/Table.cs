namespace ScratchNet.Bench.Onnx;

/// <summary>A plain-text table: the first two columns left-aligned, the others right-aligned.</summary>
internal static class Table
{
    public static string Format(string[] header, List<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        int[] widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        return string.Concat(all.Select(r => string.Join("  ", r.Select((v, c) => c < 2 ? v.PadRight(widths[c]) : v.PadLeft(widths[c]))) + "\n"));
    }
}
