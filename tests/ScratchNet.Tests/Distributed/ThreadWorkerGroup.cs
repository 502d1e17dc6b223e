using ScratchNet.Distributed;

namespace ScratchNet.Tests.Distributed;

/// <summary>
/// N workers as threads of this process, for testing data-parallel training without MPI: a sum adds the workers'
/// buffers in rank order (so every worker gets the same bits, as MPI's all-reduce guarantees) and a broadcast copies
/// the root's buffer.
/// </summary>
internal sealed class ThreadWorkerGroup
{
    private readonly Barrier _barrier;
    private readonly object?[] _slots;
    private object? _result;

    public ThreadWorkerGroup(int size)
    {
        _barrier = new Barrier(size);
        _slots = new object?[size];
        Workers = Enumerable.Range(0, size).Select(rank => (IWorkerGroup)new Worker(this, rank)).ToArray();
    }

    public IReadOnlyList<IWorkerGroup> Workers { get; }

    /// <summary>Runs <paramref name="work"/> once per worker, each on its own thread, and returns their results by rank.</summary>
    public T[] Run<T>(Func<IWorkerGroup, T> work)
    {
        var results = new T[Workers.Count];
        Exception? failure = null;
        Thread[] threads = [.. Workers.Select(w => new Thread(() =>
        {
            try { results[w.Rank] = work(w); }
            catch (Exception e) { failure = e; _barrier.RemoveParticipant(); }
        }, maxStackSize: 16 << 20))];
        foreach (Thread t in threads) t.Start();
        foreach (Thread t in threads) t.Join();
        if (failure is not null) throw new InvalidOperationException("a worker failed", failure);
        return results;
    }

    private T[] Collective<T>(int rank, T[] mine, Func<T[][], T[]> combine)
    {
        _slots[rank] = mine;
        _barrier.SignalAndWait();
        if (rank == 0) _result = combine([.. _slots.Cast<T[]>()]);
        _barrier.SignalAndWait();
        var result = (T[])_result!;
        _barrier.SignalAndWait(); // nobody reuses the slots before everyone has read the result
        return result;
    }

    private sealed class Worker(ThreadWorkerGroup group, int rank) : IWorkerGroup
    {
        public int Rank => rank;
        public int Size => group.Workers.Count;

        public void SumInPlace(Span<float> values) =>
            group.Collective(rank, values.ToArray(), all => [.. Enumerable.Range(0, all[0].Length).Select(i => all.Aggregate(0f, (sum, w) => sum + w[i]))])
                .CopyTo(values);

        public void SumInPlace(Span<double> values) =>
            group.Collective(rank, values.ToArray(), all => [.. Enumerable.Range(0, all[0].Length).Select(i => all.Aggregate(0d, (sum, w) => sum + w[i]))])
                .CopyTo(values);

        public void Broadcast(Span<byte> bytes, int root) => group.Collective(rank, bytes.ToArray(), all => all[root]).CopyTo(bytes);
    }
}
