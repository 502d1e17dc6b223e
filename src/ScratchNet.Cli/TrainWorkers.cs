using ScratchNet.Distributed;
using ScratchNet.Mpi;

namespace ScratchNet.Cli;

/// <summary>
/// The processes a `train` run belongs to: started by Open MPI's mpirun, every process joins MPI_COMM_WORLD (Open MPI
/// is loaded only then); otherwise the run trains alone, exactly as without MPI.
/// </summary>
internal static class TrainWorkers
{
    public const string InstallHint = "install Open MPI (Debian/Ubuntu: sudo apt-get install openmpi-bin libopenmpi-dev)";

    /// <summary>Runs <paramref name="train"/> in this process's group and returns its exit code.</summary>
    public static int Run(Func<IWorkerGroup, int> train)
    {
        if (MpiLaunch.OtherLauncherSize() is { } other)
            throw new UsageException($"this process is one of {other} started by an MPI launcher other than Open MPI's mpirun (PMI_SIZE is set); " +
                                     $"ScratchNet speaks Open MPI: {InstallHint} and start the run with its mpirun.");
        if (MpiLaunch.OpenMpiSize() is null) return train(SingleWorker.Instance);
        MpiWorld world;
        try
        {
            world = MpiWorld.Start();
        }
        catch (DllNotFoundException e)
        {
            throw new UsageException($"this run was started by mpirun, but Open MPI's library could not be loaded ({e.Message}); {InstallHint}, or run without mpirun.");
        }
        int code;
        WorkerProcesses processes = WorkerProcesses.Exchange(world);
        using (processes.ReportTermination())
        {
            try
            {
                code = train(world);
            }
            catch (WorkersDisagreeException e)
            {
                // Every worker gets here, so one line from rank 0 says it all and all may finalise.
                if (world.Rank == 0) Console.Error.WriteLine($"error: {TerminalText.Clean(e.Message)}");
                code = ExitCodes.BadArguments;
            }
            catch (MpiException e)
            {
                throw new MpiException($"rank {world.Rank}: {e.Message}; {processes.FailureMessage("an MPI call failed")}");
            }
        }
        // Other failures leave without MPI_Finalize, which waits for every worker: mpirun ends the others on a non-zero exit.
        world.Dispose();
        return code;
    }
}
