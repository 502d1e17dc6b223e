using System.Globalization;
using System.Text;
using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>Helpers shared by the commands: model sources, shapes, output files and plain-text tables.</summary>
internal static class CliSupport
{
    /// <summary>
    /// Loads a model file or the model of a training checkpoint (its optimizer state is ignored); a missing or
    /// damaged file is a failure (exit 1) with the library's message.
    /// </summary>
    public static NeuralNetwork LoadModel(string path)
    {
        if (Directory.Exists(path)) throw new UsageException($"--model-file {path} is a folder, not a model file.");
        return Checkpoint.LoadModel(path);
    }

    /// <summary>The network of a preset (<paramref name="model"/>) or a JSON specification (<paramref name="spec"/>), unbuilt.</summary>
    public static (NeuralNetwork Network, string Source) CreateNetwork(string? model, string? spec, int seed = 1)
    {
        if (model is not null)
        {
            ModelPreset preset;
            try
            {
                preset = ModelPreset.Find(model);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--model: {e.Message}");
            }
            return (preset.CreateNetwork(seed: seed), preset.Name);
        }
        string path = spec!;
        if (!File.Exists(path)) throw new UsageException($"--spec {path}: the file does not exist.");
        var (layers, loss) = ModelSpec.Parse(ReadSpec(path), path);
        return (new NeuralNetwork(layers, loss, seed), path);
    }

    /// <summary>The most bytes a model specification may have: a spec is a few hundred bytes of JSON.</summary>
    public const int MaxSpecBytes = 1 << 20;

    /// <summary>The text of the specification file <paramref name="path"/>, read with <see cref="ReadAtMost"/> up to <see cref="MaxSpecBytes"/>.</summary>
    public static string ReadSpec(string path)
    {
        try
        {
            byte[] bytes = ReadAtMost(path, MaxSpecBytes)
                ?? throw new UsageException($"--spec {path} is larger than {MaxSpecBytes:N0} bytes; a model specification is a small JSON file (docs/model-spec.md).");
            return Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'); // as File.ReadAllText, without a byte-order mark
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the model specification {path}: {e.Message}");
        }
    }

    /// <summary>
    /// The bytes of the file <paramref name="path"/>, or null when it holds more than <paramref name="maxBytes"/>: no more
    /// than that is read, so a device such as /dev/zero, or a huge file given by mistake, is refused instead of read without end.
    /// </summary>
    public static byte[]? ReadAtMost(string path, int maxBytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var content = new MemoryStream();
        var chunk = new byte[1 << 16];
        for (int read; (read = file.Read(chunk)) > 0;)
        {
            if (content.Length + read > maxBytes) return null;
            content.Write(chunk, 0, read);
        }
        return content.ToArray();
    }

    /// <summary>Parses "C,H,W" (or "CxHxW") into three positive sizes.</summary>
    public static int[] ParseShape(string text, string option)
    {
        string[] parts = text.Split([',', 'x', 'X', '×'], StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        bool ok = parts.Length == 3;
        for (int i = 0; ok && i < parts.Length; i++)
            ok = int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) && shape[i] > 0 && shape[i] <= 65536;
        if (!ok) throw new UsageException($"{option} must be three positive whole numbers C,H,W (channels, height, width) such as 1,28,28; got '{text}'.");
        return shape;
    }

    /// <summary>
    /// Builds <paramref name="network"/> for samples of <paramref name="shape"/>; a shape the layers cannot take, or a
    /// model beyond <see cref="ModelSize"/>'s limits, is a usage error.
    /// </summary>
    public static void Build(NeuralNetwork network, int[] shape)
    {
        try
        {
            ModelSize.Check(network.Layers, shape);
            network.Build(shape);
        }
        catch (Exception e) when (e is ArgumentException or Operations.ShapeMismatchException)
        {
            throw new UsageException($"the model does not fit input {FormatShape(shape)}: {e.Message}");
        }
    }

    /// <summary>"1×28×28".</summary>
    public static string FormatShape(ReadOnlySpan<int> shape) => string.Join("×", shape.ToArray());

    /// <summary>
    /// Fails early, before any work, when <paramref name="path"/> (an output file of <paramref name="option"/>) cannot be
    /// written: a folder, a link, a device or pipe, or a folder without write permission. Nothing is opened at the target.
    /// </summary>
    public static void EnsureWritable(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{option} needs a file name; got '{path}'.");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{option} {path} is a folder; give a file name such as {Path.Combine(path, "metrics.json")}.");
        try
        {
            SafeFile.CheckWritable(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: {(e.Message.Contains(full, StringComparison.Ordinal) ? e.Message : $"cannot write {full}: {e.Message}")}");
        }
    }

    /// <summary>Writes <paramref name="text"/> with <see cref="SafeFile"/>: a reader never sees half of it, and nothing but a regular file is replaced.</summary>
    public static void WriteAtomically(string path, string text) => SafeFile.WriteAllText(path, text);

    /// <summary>A plain-text table: columns padded to their widest cell; <paramref name="rightAligned"/> marks numeric columns.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, ISet<int>? rightAligned = null, string indent = "")
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        int columns = header.Count;
        var widths = new int[columns];
        foreach (var row in all)
            for (int c = 0; c < columns; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder(indent);
            for (int c = 0; c < columns; c++)
            {
                if (c > 0) line.Append("  ");
                line.Append(rightAligned?.Contains(c) == true ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
            }
            text.AppendLine(line.ToString().TrimEnd());
        }
        return text.ToString();
    }

    /// <summary>Formats an invariant number.</summary>
    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
