using System.Text;

namespace ScratchNet.Cli;

/// <summary>
/// Text that came from a file (class names, settings, paths) made safe to print: a control character, line
/// break or bidirectional override could clear the screen, recolour it, forge an "error:" line or reorder what
/// the user reads, so each is shown as a visible escape such as <c>\u001B</c>.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with every unprintable character written as \uXXXX.</summary>
    public static string Clean(string text)
    {
        if (!text.Any(IsUnsafe)) return text;
        var clean = new StringBuilder(text.Length + 16);
        foreach (char c in text)
            clean.Append(IsUnsafe(c) ? $"\\u{(int)c:X4}" : c);
        return clean.ToString();
    }

    // Controls and line separators (as model files refuse them), and the bidirectional marks, embeddings, overrides and isolates.
    private static bool IsUnsafe(char c) =>
        PlainText.IsUnprintable(c)
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
