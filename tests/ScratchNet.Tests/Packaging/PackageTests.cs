using System.Diagnostics;
using System.IO.Compression;

namespace ScratchNet.Tests.Packaging;

/// <summary>
/// `dotnet pack` makes a NuGet package of the library with its README, licence and XML docs, and a
/// console program that knows nothing of this repository builds and runs against that package.
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
        }
        string version = Path.GetFileNameWithoutExtension(package)["ScratchNet.".Length..];

        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="scratchnet-under-test" value="{feed}" />
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
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using ScratchNet;
            using ScratchNet.Models;
            using ScratchNet.Training;

            NeuralNetwork network = ModelPreset.SeedCnn.CreateNetwork(seed: 1);
            network.Build([1, 28, 28]);
            var input = new Tensor(2, 1, 28, 28);
            var random = new Random(2);
            foreach (ref float v in input.Span) v = (float)random.NextDouble() * 2 - 1;
            var target = new Tensor(2, 10);
            target[3] = 1;
            target[17] = 1;
            GradientCheckReport report = GradientChecker.Check(network, input, target, maxEntries: 32);
            Console.WriteLine($"parameters {network.ParameterCount}, gradients {(report.Passed() ? "ok" : "wrong")}");
            """);

        var (buildCode, buildOutput) = Dotnet(app, "build", "-c", "Release");
        Assert.True(buildCode == 0, buildOutput);
        var (runCode, runOutput) = Dotnet(app, Path.Combine(app, "bin", "Release", "net10.0", "app.dll"));
        Assert.True(runCode == 0, runOutput);
        Assert.Contains("parameters 125850, gradients ok", runOutput);
    }
}
