namespace ScratchNet.Mpi;

/// <summary>
/// Whether this process was started by an MPI launcher, read from the environment the launcher sets before the
/// program starts: Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE (and OMPI_COMM_WORLD_LOCAL_SIZE, the processes on
/// this machine); MPICH's and Intel MPI's launcher (Hydra) set PMI_SIZE.
/// </summary>
public static class MpiLaunch
{
    /// <summary>The number of processes Open MPI's mpirun started, or null when it did not start this one.</summary>
    public static int? OpenMpiSize(Func<string, string?>? environment = null) => Read(environment, "OMPI_COMM_WORLD_SIZE");

    /// <summary>The number of processes mpirun started on this machine, or null when mpirun did not start this one.</summary>
    public static int? LocalSize(Func<string, string?>? environment = null) => Read(environment, "OMPI_COMM_WORLD_LOCAL_SIZE");

    /// <summary>The size another launcher (MPICH's Hydra) gave, when it started more than one process and Open MPI's did not; else null.</summary>
    public static int? OtherLauncherSize(Func<string, string?>? environment = null) =>
        OpenMpiSize(environment) is null && Read(environment, "PMI_SIZE") is > 1 and var size ? size : null;

    private static int? Read(Func<string, string?>? environment, string name) =>
        int.TryParse((environment ?? Environment.GetEnvironmentVariable)(name), out int value) && value > 0 ? value : null;
}
