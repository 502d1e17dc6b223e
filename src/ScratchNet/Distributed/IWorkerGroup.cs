namespace ScratchNet.Distributed;

/// <summary>
/// The processes that train one model together (data parallelism): each has a rank, 0 to <see cref="Size"/> − 1, and
/// all of them make the same calls in the same order. The library needs only these collective operations; the
/// transport (MPI, in the command) lives outside it, so the library keeps no native dependency.
/// </summary>
public interface IWorkerGroup
{
    /// <summary>This process's place in the group, from 0; rank 0 is the one that reports and writes files.</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int Size { get; }

    /// <summary>
    /// Replaces <paramref name="values"/> on every worker by the element-wise sum over all workers; every worker gets
    /// the same bits. Blocks until all have called it.
    /// </summary>
    void SumInPlace(Span<float> values);

    /// <summary>As <see cref="SumInPlace(Span{float})"/>, in double precision (for totals that must not round).</summary>
    void SumInPlace(Span<double> values);

    /// <summary>Copies <paramref name="bytes"/> of worker <paramref name="root"/> into the same-sized buffer of every other worker.</summary>
    void Broadcast(Span<byte> bytes, int root);
}
