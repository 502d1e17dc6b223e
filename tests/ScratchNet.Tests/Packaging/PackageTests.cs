using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using static ScratchNet.Tests.Packaging.DotnetTool;

namespace ScratchNet.Tests.Packaging;

/// <summary>
/// `dotnet pack` makes a NuGet package of the library with its own README, licence and XML docs, and the
/// README's example, as a console program that knows nothing of this repository, builds and runs against that package.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-package-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string PackageReadme => Path.Combine(RepositoryRoot(), "src", "ScratchNet", "README.md");

    [Fact]
    public void PackedLibrary_HasReadmeLicenceAndDocs_AndAConsoleProgramRunsAgainstIt()
    {
        string app = Path.Combine(_folder, "app");
        string package = Pack(Path.Combine(_folder, "feed"));

        using (ZipArchive zip = ZipFile.OpenRead(package))
        {
            string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains("lib/net10.0/ScratchNet.dll", entries);
            Assert.Contains("lib/net10.0/ScratchNet.xml", entries);
            string nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
            Assert.Contains("<readme>README.md</readme>", nuspec);
            // The package's own README, not the repository's (whose docs/ links do not resolve on nuget.org).
            string readme = new StreamReader(zip.GetEntry("README.md")!.Open()).ReadToEnd();
            Assert.Equal(File.ReadAllText(PackageReadme), readme);
            Assert.DoesNotContain("](docs/", readme);
        }

        // The package README's example, unchanged, is the program: the README cannot promise code that does not run.
        WriteConsoleApp(app, package, Path.Combine(_folder, "packages"), ReadmeExamples.CSharpBlocks(File.ReadAllText(PackageReadme)).Single());
        Build(app);
        var (runCode, runOutput) = RunApp(app);

        Assert.True(runCode == 0, runOutput);
        // Three epochs of the MLP on 10,000 images; the reloaded file gives the last epoch's figure exactly.
        Match last = Regex.Match(runOutput, @"epoch 3: test accuracy (0\.\d{4})");
        Assert.True(last.Success, runOutput);
        Assert.InRange(double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture), 0.75, 1.0);
        Assert.Contains($"reloaded: test accuracy {last.Groups[1].Value}", runOutput);
        Assert.True(File.Exists(Path.Combine(app, "fashion-mlp.safetensors")));
    }
}
