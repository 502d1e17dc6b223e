using System.Runtime.InteropServices;

namespace ScratchNet.Mpi;

/// <summary>
/// Open MPI's libmpi, loaded at run time, and the entry points and predefined handles the binding uses. Open MPI's
/// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are the addresses of exported globals (ompi_mpi_comm_world, …),
/// so they are looked up like functions; MPICH's are integer constants, which is why this binds Open MPI only.
/// </summary>
internal sealed unsafe class OpenMpiLibrary
{
    /// <summary>The sonames tried in order: the runtime library (package libopenmpi3), then the development link.</summary>
    public static readonly string[] Names = ["libmpi.so.40", "libmpi.so"];

    /// <summary>The variable naming another libmpi to load instead (an Open MPI built elsewhere, e.g. /opt/openmpi/lib/libmpi.so).</summary>
    public const string LibraryVariable = "SCRATCHNET_MPI_LIBRARY";

    /// <summary>MPI_IN_PLACE: the send buffer of an in-place reduction.</summary>
    public static readonly IntPtr InPlace = 1;

    public const int Success = 0;

    private OpenMpiLibrary(IntPtr library)
    {
        IntPtr Export(string name) => NativeLibrary.GetExport(library, name);
        Init = (delegate* unmanaged<int*, byte***, int>)Export("MPI_Init");
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_size");
        Allreduce = (delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, int>)Export("MPI_Allreduce");
        Bcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int>)Export("MPI_Bcast");
        Barrier = (delegate* unmanaged<IntPtr, int>)Export("MPI_Barrier");
        Abort = (delegate* unmanaged<IntPtr, int, int>)Export("MPI_Abort");
        CommSetErrhandler = (delegate* unmanaged<IntPtr, IntPtr, int>)Export("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Byte = Export("ompi_mpi_byte");
        Sum = Export("ompi_mpi_op_sum");
        ErrorsReturn = Export("ompi_mpi_errors_return");
    }

    public readonly delegate* unmanaged<int*, byte***, int> Init;
    public readonly delegate* unmanaged<int*, int> Initialized;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<IntPtr, int*, int> CommRank, CommSize;
    // MPI_Allreduce(sendbuf, recvbuf, count, datatype, op, comm)
    public readonly delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, int> Allreduce;
    // MPI_Bcast(buffer, count, datatype, root, comm)
    public readonly delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int> Bcast;
    public readonly delegate* unmanaged<IntPtr, int> Barrier;
    public readonly delegate* unmanaged<IntPtr, int, int> Abort;
    public readonly delegate* unmanaged<IntPtr, IntPtr, int> CommSetErrhandler;
    public readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;
    public readonly IntPtr CommWorld, Float, Double, Byte, Sum, ErrorsReturn;

    /// <summary>
    /// Loads libmpi. It must be loaded with RTLD_GLOBAL: Open MPI's components are shared objects of their own that
    /// look up libmpi's symbols in the global namespace, and .NET's own loader opens libraries RTLD_LOCAL.
    /// </summary>
    /// <exception cref="DllNotFoundException">No Open MPI library could be loaded; the message lists what was tried.</exception>
    public static OpenMpiLibrary Load()
    {
        var reasons = new List<string>();
        string? chosen = Environment.GetEnvironmentVariable(LibraryVariable);
        foreach (string name in string.IsNullOrEmpty(chosen) ? Names : [chosen])
        {
            IntPtr handle = dlopen(name, RtldNow | RtldGlobal);
            if (handle != IntPtr.Zero) return new OpenMpiLibrary(handle);
            reasons.Add(Marshal.PtrToStringUTF8(dlerror()) ?? name);
        }
        throw new DllNotFoundException(string.Join("; ", reasons));
    }

    /// <summary>The text Open MPI gives for error code <paramref name="code"/>.</summary>
    public string Describe(int code)
    {
        byte* text = stackalloc byte[256]; // MPI_MAX_ERROR_STRING
        int length = 0;
        return ErrorString(code, text, &length) == Success ? Marshal.PtrToStringUTF8((IntPtr)text, length) : $"MPI error {code}";
    }

    private const int RtldNow = 2, RtldGlobal = 0x100;

    [DllImport("libc.so.6", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc.so.6")]
    private static extern IntPtr dlerror();
}
