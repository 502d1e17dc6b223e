using System.Globalization;

namespace ScratchNet;

/// <summary>
/// What counts as plain text in names that come from files (class names, folder names): no control characters and no
/// line breaks. Data loading and model files refuse names that are not plain; the command line escapes such text.
/// </summary>
public static class PlainText
{
    /// <summary>True for control characters (C0, DEL, C1) and the Unicode line and paragraph separators.</summary>
    public static bool IsUnprintable(char c) =>
        char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
