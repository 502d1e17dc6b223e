using System.Diagnostics;

namespace ScratchNet.Tests.Distributed;

/// <summary>
/// Runs the `scratchnet` command under Open MPI's mpirun on this machine (loopback), as a user would:
/// <c>mpirun -np N --oversubscribe --allow-run-as-root dotnet ScratchNet.Cli.dll ARGUMENTS</c>. MPI is a requirement of
/// these tests, not an option: without mpirun they fail and say how to install it (.ci/run does).
/// </summary>
internal static class Mpirun
{
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "ScratchNet.Cli.dll");

    /// <summary>The mpirun command line for <paramref name="ranks"/> processes running `scratchnet <paramref name="arguments"/>`.</summary>
    public static ProcessStartInfo StartInfo(int ranks, params string[] arguments) =>
        StartInfo([.. (string[])["-np", ranks.ToString()], .. Launch(arguments)]);

    /// <summary>The part of an mpirun command line that starts `scratchnet <paramref name="arguments"/>` (an MPMD block).</summary>
    public static string[] Launch(params string[] arguments) => ["dotnet", CliDll, .. arguments];

    /// <summary>mpirun with <paramref name="mpirunArguments"/> after its loopback options.</summary>
    public static ProcessStartInfo StartInfo(string[] mpirunArguments)
    {
        string mpirun = Find() ?? throw new InvalidOperationException(
            "mpirun is not installed: these tests need Open MPI (sudo apt-get install openmpi-bin libopenmpi-dev; .ci/run installs it).");
        var start = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, RedirectStandardError = true };
        // --bind-to none: ranks sharing a loaded machine must not be pinned to one core each.
        foreach (string a in (string[])["--oversubscribe", "--allow-run-as-root", "--bind-to", "none", .. mpirunArguments])
            start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs <paramref name="start"/> to its end (killing it after <paramref name="timeout"/>); exit code, stdout, stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(ProcessStartInfo start, TimeSpan? timeout = null)
    {
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun did not finish: {error.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    public static (int ExitCode, string Output, string Error) Run(int ranks, params string[] arguments) => Run(StartInfo(ranks, arguments));

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);
}
