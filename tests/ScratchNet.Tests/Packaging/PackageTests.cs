using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace ScratchNet.Tests.Packaging;

/// <summary>
/// `dotnet pack` makes a NuGet package of the library with its own README, licence and XML docs, and the
/// README's example, as a console program that knows nothing of this repository, builds and runs against that package.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-package-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScratchNet.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("The tests do not run inside the repository.");
    }

    private static string PackageReadme => Path.Combine(RepositoryRoot(), "src", "ScratchNet", "README.md");

    private static (int ExitCode, string Output) Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within 5 minutes");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void PackedLibrary_HasReadmeLicenceAndDocs_AndAConsoleProgramRunsAgainstIt()
    {
        // The tests were built in this configuration, so the library's build output is already there.
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string feed = Path.Combine(_folder, "feed"), app = Path.Combine(_folder, "app");
        var (packCode, packOutput) = Dotnet(RepositoryRoot(), "pack", "src/ScratchNet/ScratchNet.csproj", "-c", configuration, "--no-build", "-o", feed);
        Assert.True(packCode == 0, packOutput);

        string package = Directory.GetFiles(feed, "ScratchNet.*.nupkg").Single(p => !p.EndsWith(".snupkg"));
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
        string version = Path.GetFileNameWithoutExtension(package)["ScratchNet.".Length..];

        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="scratchnet-under-test" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{Path.Combine(_folder, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ScratchNet" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        // The package README's example, unchanged, is the program: the README cannot promise code that does not run.
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeExamples.CSharpBlocks(File.ReadAllText(PackageReadme)).Single());

        var (buildCode, buildOutput) = Dotnet(app, "build", "-c", "Release");
        Assert.True(buildCode == 0, buildOutput);
        var (runCode, runOutput) = Dotnet(app, Path.Combine(app, "bin", "Release", "net10.0", "app.dll"));
        Assert.True(runCode == 0, runOutput);
        // Three epochs of the MLP on 10,000 images; the reloaded file gives the last epoch's figure exactly.
        Match last = Regex.Match(runOutput, @"epoch 3: test accuracy (0\.\d{4})");
        Assert.True(last.Success, runOutput);
        Assert.InRange(double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture), 0.75, 1.0);
        Assert.Contains($"reloaded: test accuracy {last.Groups[1].Value}", runOutput);
        Assert.True(File.Exists(Path.Combine(app, "fashion-mlp.safetensors")));
    }
}
