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
}
