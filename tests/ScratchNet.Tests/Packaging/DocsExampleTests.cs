using System.Text.RegularExpressions;
using static ScratchNet.Tests.Packaging.DotnetTool;

namespace ScratchNet.Tests.Packaging;

/// <summary>
/// Every C# block of docs/*.md is a complete program that builds, unchanged, as a console app against the packed
/// library (the ONNX Runtime example with that package added), unless its fence says <c>```csharp fragment</c>; those
/// that need no data files also run, and a printed figure promised in a comment is the one printed.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DocsExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string[] Documents() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), "docs"), "*.md").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void EveryCSharpFenceOfTheDocs_IsAProgramOrAFragment_AndFragmentsAreFew()
    {
        int programs = 0, fragments = 0;
        foreach (string document in Documents())
        {
            string markdown = File.ReadAllText(document);
            Assert.Empty(ReadmeExamples.UnknownInfoStrings(markdown));
            programs += ReadmeExamples.CSharpBlocks(markdown).Count;
            fragments += ReadmeExamples.FragmentCount(markdown);
        }
        Assert.True(programs >= 10, $"expected the docs' complete C# examples (library.md has one per task), found {programs}");
        Assert.True(fragments <= 3, $"{fragments} fragments: only pieces of a signature or formula may be fragments");
    }

    [Fact]
    public void EveryCompleteCSharpBlockOfTheDocs_Builds_AndThoseWithoutDataRun()
    {
        string package = Pack(Path.Combine(_folder, "feed")), packages = Path.Combine(_folder, "packages");
        int built = 0;
        foreach (string document in Documents())
        {
            IReadOnlyList<string> blocks = ReadmeExamples.CSharpBlocks(File.ReadAllText(document));
            for (int i = 0; i < blocks.Count; i++)
            {
                string name = $"{Path.GetFileNameWithoutExtension(document)}-{i + 1}", app = Path.Combine(_folder, name);
                (string, string)[] extra = blocks[i].Contains("using Microsoft.ML.OnnxRuntime;")
                    ? [("Microsoft.ML.OnnxRuntime", "1.32.0")] : [];
                WriteConsoleApp(app, package, packages, blocks[i], extra);
                Build(app);
                built++;
                // Blocks that read data files (Fashion-MNIST, a photo folder, a model file) are checked by building them.
                if (Regex.IsMatch(blocks[i], @"DataLocator|DataSources\.Open|InferenceSession|LoadFolder")) continue;
                var (code, output) = RunApp(app);
                Assert.True(code == 0, $"{name}:\n{output}");
                // "// prints: text" comments: the run prints those lines, in that order ("// prints about: …" is approximate).
                string[] promised = Regex.Matches(blocks[i], @"// prints: (?<text>[^\r\n]+)").Select(m => m.Groups["text"].Value.Trim()).ToArray();
                string[] printed = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
                Assert.True(promised.Length == 0 || promised.SequenceEqual(printed),
                    $"{name} promises\n{string.Join('\n', promised)}\nbut printed:\n{output}");
            }
        }
        Assert.True(built >= 10, $"built {built} examples");
    }
}
