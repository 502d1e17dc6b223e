using System.Diagnostics;

namespace ScratchNet.Tests.Packaging;

/// <summary>
/// The <c>dotnet</c> command as a library user runs it: pack the library into a local feed, and build and run a console
/// program that references the package from that feed (plus nuget.org, for the package's own dependencies).
/// </summary>
internal static class DotnetTool
{
    /// <summary>The repository's root folder (the one holding ScratchNet.sln).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScratchNet.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("The tests do not run inside the repository.");
    }

    /// <summary>The exit code and the output (stdout, then stderr) of <c>dotnet <paramref name="arguments"/></c>.</summary>
    public static (int ExitCode, string Output) Dotnet(string workingDirectory, params string[] arguments)
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

    /// <summary>Packs the library, as the tests built it, into <paramref name="feed"/>; returns the package's path.</summary>
    /// <remarks><paramref name="extraArguments"/> go to <c>dotnet pack</c>, e.g. <c>-p:RepositoryUrl=…</c>.</remarks>
    public static string Pack(string feed, params string[] extraArguments)
    {
        // The tests were built in this configuration, so the library's build output is already there.
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var (packCode, packOutput) = Dotnet(RepositoryRoot(), ["pack", "src/ScratchNet/ScratchNet.csproj", "-c", configuration, "--no-build", "-o", feed, .. extraArguments]);
        Assert.True(packCode == 0, packOutput);
        return Directory.GetFiles(feed, "ScratchNet.*.nupkg").Single(p => !p.EndsWith(".snupkg"));
    }

    /// <summary>
    /// Writes a console project in <paramref name="app"/> whose Program.cs is <paramref name="program"/>, referencing
    /// <paramref name="package"/> from its folder; packages restore into <paramref name="packages"/>, not the user's cache.
    /// </summary>
    /// <remarks><paramref name="extraPackages"/> are further (id, version) references, e.g. ONNX Runtime.</remarks>
    public static void WriteConsoleApp(string app, string package, string packages, string program,
        params (string Id, string Version)[] extraPackages)
    {
        string feed = Path.GetDirectoryName(package)!, version = Path.GetFileNameWithoutExtension(package)["ScratchNet.".Length..];
        Directory.CreateDirectory(app);
        // The local feed and nuget.org, as the README says: a local-only source fails with NU1101 for the dependencies.
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
                <RestorePackagesPath>{packages}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ScratchNet" Version="{version}" />
            {string.Concat(extraPackages.Select(p => $"    <PackageReference Include=\"{p.Id}\" Version=\"{p.Version}\" />\n"))}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
    }

    /// <summary>Builds the console project in <paramref name="app"/> (asserting success) and returns its build output.</summary>
    public static string Build(string app)
    {
        var (code, output) = Dotnet(app, "build", "-c", "Release");
        Assert.True(code == 0, output);
        return output;
    }

    /// <summary>Runs the built console project in <paramref name="app"/>, in that folder.</summary>
    public static (int ExitCode, string Output) RunApp(string app) =>
        Dotnet(app, Path.Combine(app, "bin", "Release", "net10.0", "app.dll"));
}
