using System.Text.RegularExpressions;

namespace ScratchNet.Tests.Packaging;

/// <summary>The C# examples of a Markdown document: the text of its <c>```csharp</c> fenced blocks, in order.</summary>
internal static partial class ReadmeExamples
{
    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpFence();

    /// <summary>The body of every <c>```csharp</c> block of <paramref name="markdown"/>.</summary>
    public static IReadOnlyList<string> CSharpBlocks(string markdown) =>
        CSharpFence().Matches(markdown).Select(m => m.Groups[1].Value).ToArray();

    [GeneratedRegex(@"^```csharp[ \t]+fragment[ \t]*\r?\n", RegexOptions.Multiline)]
    private static partial Regex FragmentFence();

    [GeneratedRegex(@"^```csharp[ \t]*(?<info>[^\r\n]*?)[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex AnyCSharpFence();

    /// <summary>
    /// How many <c>```csharp fragment</c> blocks <paramref name="markdown"/> has: pieces of a signature or a formula,
    /// which no test builds.
    /// </summary>
    public static int FragmentCount(string markdown) => FragmentFence().Matches(markdown).Count;

    /// <summary>The info strings after <c>```csharp</c> that are neither empty nor <c>fragment</c> (a typo would hide a block).</summary>
    public static IReadOnlyList<string> UnknownInfoStrings(string markdown) =>
        AnyCSharpFence().Matches(markdown).Select(m => m.Groups["info"].Value.Trim())
            .Where(info => info.Length > 0 && info != "fragment").ToArray();
}
