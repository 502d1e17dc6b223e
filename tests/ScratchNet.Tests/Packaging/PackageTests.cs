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
            // The README's list of dependencies is the package's.
            foreach (Match dependency in Regex.Matches(nuspec, "<dependency id=\"([^\"]+)\""))
                Assert.Contains(dependency.Groups[1].Value, File.ReadAllText(PackageReadme));
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

    [Fact]
    public void TheRepositoryUrl_IsGitsOriginRemote_OrTheOneGivenToPack()
    {
        // This checkout's origin remote: an https URL is published as it is; none (or a local path) gives no URL.
        var (_, gitOrigin) = Git("config", "--get", "remote.origin.url");
        string origin = gitOrigin.Trim();

        string fromOrigin = Nuspec(Pack(Path.Combine(_folder, "origin")));
        string given = Nuspec(Pack(Path.Combine(_folder, "given"), "-p:RepositoryUrl=https://example.invalid/fork/scratchnet"));

        Assert.Contains("<repository type=\"git\"", fromOrigin);
        string? published = Regex.Match(fromOrigin, "<repository [^>]*url=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : null;
        if (origin.StartsWith("https://", StringComparison.Ordinal)) Assert.Equal(origin, published);
        else if (origin.Length == 0 || Directory.Exists(origin)) Assert.Null(published);
        Assert.Contains("<repository type=\"git\" url=\"https://example.invalid/fork/scratchnet\"", given);
    }

    private static string Nuspec(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        return new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).ReadToEnd();
    }

    private static (int ExitCode, string Output) Git(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
