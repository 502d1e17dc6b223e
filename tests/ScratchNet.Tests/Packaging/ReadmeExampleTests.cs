using System.Text.RegularExpressions;
using static ScratchNet.Tests.Packaging.DotnetTool;

namespace ScratchNet.Tests.Packaging;

/// <summary>
/// Every C# block of the repository README is a complete program: each builds, unchanged, as a console app against the
/// packed library, and those that do not train on the full data set also run.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void EveryCSharpBlockOfTheReadme_Builds_AndTheQuickOnesRun()
    {
        IReadOnlyList<string> blocks = ReadmeExamples.CSharpBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")));
        Assert.True(blocks.Count >= 3, $"expected the README's three C# examples at least, found {blocks.Count}");
        string package = Pack(Path.Combine(_folder, "feed")), packages = Path.Combine(_folder, "packages");

        for (int i = 0; i < blocks.Count; i++)
        {
            string app = Path.Combine(_folder, $"example{i + 1}");
            WriteConsoleApp(app, package, packages, blocks[i]);
            Build(app);
            // Examples that call Fit train for minutes on all of Fashion-MNIST: building them is the check here.
            if (blocks[i].Contains(".Fit(")) continue;
            var (code, output) = RunApp(app);
            Assert.True(code == 0, $"README C# block {i + 1}:\n{output}");
            if (blocks[i].Contains("report.Passed()"))
            {
                // The gradient-check example prints what its comments say it prints.
                string promised = Regex.Match(blocks[i], @"Console\.WriteLine\(report\);\s*// (.+)").Groups[1].Value.Trim();
                Assert.Equal([promised, "True"], output.Trim().Split('\n').Select(l => l.Trim()));
            }
        }
    }
}
