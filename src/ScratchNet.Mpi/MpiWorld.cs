using ScratchNet.Distributed;

namespace ScratchNet.Mpi;

/// <summary>
/// MPI_COMM_WORLD of Open MPI as an <see cref="IWorkerGroup"/>: <see cref="Start"/> initialises MPI, the collective
/// operations are MPI_Allreduce (in place, MPI_SUM) and MPI_Bcast, and <see cref="Dispose"/> finalises. Errors are
/// returned rather than fatal (MPI_ERRORS_RETURN) and become <see cref="MpiException"/>s.
/// </summary>
public sealed unsafe class MpiWorld : IWorkerGroup, IDisposable
{
    private readonly OpenMpiLibrary _mpi;
    private bool _finalized;

    private MpiWorld(OpenMpiLibrary mpi, int rank, int size) => (_mpi, Rank, Size) = (mpi, rank, size);

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <summary>Loads libmpi and initialises MPI (once per process).</summary>
    /// <exception cref="DllNotFoundException">Open MPI's library is not installed.</exception>
    /// <exception cref="MpiException">MPI could not start.</exception>
    public static MpiWorld Start()
    {
        OpenMpiLibrary mpi = OpenMpiLibrary.Load();
        int initialized = 0;
        Check(mpi, mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0) Check(mpi, mpi.Init(null, null), "MPI_Init");
        Check(mpi, mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank = 0, size = 0;
        Check(mpi, mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi, mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        return new MpiWorld(mpi, rank, size);
    }

    /// <inheritdoc />
    public void SumInPlace(Span<float> values)
    {
        fixed (float* p = values)
            Check(_mpi, _mpi.Allreduce(OpenMpiLibrary.InPlace, p, values.Length, _mpi.Float, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
    }

    /// <inheritdoc />
    public void SumInPlace(Span<double> values)
    {
        fixed (double* p = values)
            Check(_mpi, _mpi.Allreduce(OpenMpiLibrary.InPlace, p, values.Length, _mpi.Double, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> bytes, int root)
    {
        fixed (byte* p = bytes)
            Check(_mpi, _mpi.Bcast(p, bytes.Length, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
    }

    /// <summary>Waits until every worker has called it.</summary>
    public void Barrier() => Check(_mpi, _mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");

    /// <summary>Ends every process of the job with <paramref name="exitCode"/> (MPI_Abort); does not return.</summary>
    public void Abort(int exitCode) => _mpi.Abort(_mpi.CommWorld, exitCode);

    /// <summary>Finalises MPI (MPI_Finalize), after which no call may be made; idempotent.</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        Check(_mpi, _mpi.Finalize(), "MPI_Finalize");
    }

    private static void Check(OpenMpiLibrary mpi, int code, string call)
    {
        if (code != OpenMpiLibrary.Success) throw new MpiException($"{call} failed: {mpi.Describe(code)}");
    }
}
