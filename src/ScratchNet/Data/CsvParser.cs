namespace ScratchNet.Data;

/// <summary>
/// Parses CSV rows of <c>label,pixel1,…,pixelN</c> straight from the file's bytes, block by block, with no string per
/// cell (a cell becomes text only in an error message).
/// </summary>
internal static class CsvParser
{
    /// <summary>The largest label accepted; larger ones are taken for a wrong column.</summary>
    public const int MaxLabel = 9_999;

    public static CsvTable Parse(string path, int? classCount, int? valuesPerRow)
    {
        long length = new FileInfo(path).Length;
        // A pipe or device reports no length; opening a pipe would wait for a writer.
        if (length == 0) throw new DataFormatException(path, "it is empty (0 bytes) or not a regular file (a pipe or device); it needs rows label,pixel1,…,pixelN.");
        var state = new State(path, classCount, valuesPerRow, length);
        byte[] buffer = new byte[1 << 20];
        int filled = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            while (true)
            {
                int n = stream.Read(buffer, filled, buffer.Length - filled);
                filled += n;
                int start = 0;
                while (true)
                {
                    int end = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                    if (end < 0) break;
                    state.Line(buffer.AsSpan(start, end));
                    start += end + 1;
                }
                if (n == 0)
                {
                    if (start < filled) state.Line(buffer.AsSpan(start, filled - start)); // no newline at the end
                    break;
                }
                // Keep the unfinished line; a line longer than the buffer doubles it.
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ImageDecoder.Unreadable(path, e);
        }
        return state.Finish();
    }

    private sealed class State(string path, int? classCount, int? valuesPerRow, long fileLength)
    {
        private byte[] _pixels = new byte[Math.Min(fileLength / 2 + 16, Array.MaxLength)]; // a pixel takes at least two characters
        private readonly List<int> _labels = [], _lines = [];
        private long _used;
        private int _line, _values = valuesPerRow ?? -1, _firstRowLine;
        private bool _started;

        public void Line(ReadOnlySpan<byte> line)
        {
            _line++;
            if (_line == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) line = line[3..]; // UTF-8 byte-order mark
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (line.Trim((byte)' ').IsEmpty) return;
            int comma = line.IndexOf((byte)',');
            ReadOnlySpan<byte> first = comma < 0 ? line : line[..comma];
            bool firstLine = !_started;
            _started = true;
            if (firstLine && Number(first.Trim((byte)' '), out _) == Kind.NotANumber) return; // a header line: column names
            _labels.Add(Label(first));
            _lines.Add(_line);
            int count = 0;
            ReadOnlySpan<byte> rest = comma < 0 ? [] : line[(comma + 1)..];
            while (comma >= 0)
            {
                comma = rest.IndexOf((byte)',');
                ReadOnlySpan<byte> cell = comma < 0 ? rest : rest[..comma];
                if (comma >= 0) rest = rest[(comma + 1)..];
                count++;
                if (_values >= 0 && count > _values) break; // reported below with the count
                int pixel = Pixel(cell, count + 1);
                if (_used == _pixels.Length) Array.Resize(ref _pixels, (int)Math.Min((long)_pixels.Length * 2, Array.MaxLength));
                _pixels[_used++] = (byte)pixel;
            }
            if (_values < 0)
            {
                if (count == 0) throw Error("it holds only a label; each row needs a label and the pixel values: label,pixel1,…,pixelN.");
                _values = count;
                _firstRowLine = _line;
            }
            else if (count != _values)
            {
                if (count > _values && comma >= 0) count += rest.Count((byte)',') + 1; // the cells after the one that overflowed
                string reference = _firstRowLine > 0 ? $"line {_firstRowLine}, the first row," : "the training file";
                throw Error($"line {_line} has {count} pixel values but {reference} has {_values}; every row needs a label and the same number of pixels.");
            }
        }

        public CsvTable Finish()
        {
            if (_labels.Count == 0) throw Error("it holds no rows of data (label,pixel1,…,pixelN).");
            Array.Resize(ref _pixels, (int)_used);
            return new CsvTable(_labels.ToArray(), _pixels, _values, _lines.ToArray());
        }

        private int Label(ReadOnlySpan<byte> cell)
        {
            ReadOnlySpan<byte> text = cell.Trim((byte)' ');
            Kind kind = Number(text, out long value);
            int limit = classCount is { } k ? k - 1 : MaxLabel;
            if (kind != Kind.Whole || value < 0)
                throw Error($"line {_line}: the label '{Text(text)}' is not a class index (a whole number from 0).");
            if (value > limit)
                throw Error(classCount is { } c
                    ? $"line {_line}: the label {value} is out of range: the training data has {c} classes, 0 to {c - 1}."
                    : $"line {_line}: the label {value} is out of range (at most {MaxLabel}); is the label the first column?");
            return (int)value;
        }

        private int Pixel(ReadOnlySpan<byte> cell, int column)
        {
            ReadOnlySpan<byte> text = cell.Trim((byte)' ');
            Kind kind = Number(text, out long value);
            if (kind == Kind.NotANumber)
                throw Error($"line {_line}, column {column}: '{Text(text)}' is not a number; pixels must be whole numbers from 0 to 255.");
            if (kind != Kind.Whole || value is < 0 or > 255)
                throw Error($"line {_line}, column {column}: the pixel value {Text(text)} is outside 0–255 (pixels must be whole numbers from 0 to 255).");
            return (int)value;
        }

        private DataFormatException Error(string problem) => new(path, problem);
    }

    private enum Kind { NotANumber, Whole, Fraction }

    // Whole numbers (with an optional sign) are parsed; decimals are recognised as numbers but not read.
    private static Kind Number(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+')) { negative = text[0] == (byte)'-'; i = 1; }
        int digits = 0;
        for (; i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9'; i++, digits++)
            if (value < 1_000_000_000) value = value * 10 + (text[i] - '0');
        if (negative) value = -value;
        if (i == text.Length) return digits > 0 ? Kind.Whole : Kind.NotANumber;
        if (text[i] != (byte)'.') return Kind.NotANumber;
        int fraction = 0;
        bool nonZero = false;
        for (i++; i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9'; i++, fraction++) nonZero |= text[i] != (byte)'0';
        if (i != text.Length || digits + fraction == 0) return Kind.NotANumber;
        return nonZero ? Kind.Fraction : Kind.Whole; // "12.0" is the whole number 12
    }

    private static string Text(ReadOnlySpan<byte> text) =>
        text.Length > 40 ? System.Text.Encoding.UTF8.GetString(text[..40]) + "…" : System.Text.Encoding.UTF8.GetString(text);
}

/// <summary>What <see cref="CsvParser.Parse"/> read: labels, pixels row after row, the values per row, and each row's line number.</summary>
internal sealed record CsvTable(int[] Labels, byte[] Pixels, int ValuesPerRow, int[] Lines);
