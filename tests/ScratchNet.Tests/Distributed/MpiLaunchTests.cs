using System.Diagnostics;
using ScratchNet.Tests.Cli;

namespace ScratchNet.Tests.Distributed;

/// <summary>How `train` decides between training alone and joining MPI, and what it says when MPI cannot be used.</summary>
public sealed class MpiLaunchTests
{
    [Fact]
    public void UnderMpirun_WithoutOpenMpisLibrary_SaysHowToInstallIt()
    {
        var (code, _, error) = RunWith(new() { ["OMPI_COMM_WORLD_SIZE"] = "2", ["SCRATCHNET_MPI_LIBRARY"] = "/no/such/libmpi.so.40" });

        Assert.Equal(2, code);
        Assert.StartsWith("error: this run was started by mpirun, but Open MPI's library could not be loaded (/no/such/libmpi.so.40", error);
        Assert.Contains("sudo apt-get install openmpi-bin libopenmpi-dev", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void StartedByAnotherMpisLauncher_SaysToUseOpenMpis()
    {
        var (code, _, error) = RunWith(new() { ["PMI_SIZE"] = "4" });

        Assert.Equal(2, code);
        Assert.StartsWith("error: this process is one of 4 started by an MPI launcher other than Open MPI's mpirun", error);
    }

    [Fact]
    public void Detection_ReadsTheLaunchersVariables()
    {
        Func<string, string?> env(params (string Name, string Value)[] set) => name => set.FirstOrDefault(s => s.Name == name).Value;
        Assert.Null(Mpi.MpiLaunch.OpenMpiSize(env()));
        Assert.Equal(3, Mpi.MpiLaunch.OpenMpiSize(env(("OMPI_COMM_WORLD_SIZE", "3"))));
        Assert.Equal(2, Mpi.MpiLaunch.LocalSize(env(("OMPI_COMM_WORLD_LOCAL_SIZE", "2"))));
        Assert.Equal(4, Mpi.MpiLaunch.OtherLauncherSize(env(("PMI_SIZE", "4"))));
        Assert.Null(Mpi.MpiLaunch.OtherLauncherSize(env(("PMI_SIZE", "1")))); // a single process: nothing to join
        Assert.Null(Mpi.MpiLaunch.OtherLauncherSize(env(("PMI_SIZE", "4"), ("OMPI_COMM_WORLD_SIZE", "4"))));
    }

    private static (int Code, string Output, string Error) RunWith(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[Mpirun.CliDll, "train", "--model", "seed-cnn", "--limit", "60", "--epochs", "1"]) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "train did not finish");
        return (process.ExitCode, output.Result, error.Result);
    }
}
