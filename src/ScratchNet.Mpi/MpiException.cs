namespace ScratchNet.Mpi;

/// <summary>An MPI call failed (a peer process vanished, a network error); the message names the call and Open MPI's reason.</summary>
public sealed class MpiException(string message) : IOException(message);
