using System.Runtime.ExceptionServices;

namespace ScratchNet.Kernels;

/// <summary>A body of work over the index range [start, end), run by worker <c>worker</c>.</summary>
public delegate void RangeBody(int worker, int start, int end);

/// <summary>
/// How many threads the kernels may use. Work is split into fixed, contiguous chunks that depend
/// only on the count and the thread number, so results are reproducible for a given thread count.
/// </summary>
/// <remarks>
/// The calling thread runs chunk 0; the other chunks go to the .NET thread pool as preallocated
/// work items, so a parallel region allocates nothing. Regions on one context run one at a time:
/// a region started from inside another (or from a second thread meanwhile) runs serially.
/// </remarks>
public sealed class ComputeContext
{
    private readonly Chunk[] _chunks;
    private readonly ManualResetEventSlim _finished = new(false);
    private int _busy;
    private int _pending;
    private RangeBody? _body;
    private int _count, _workers;
    private ExceptionDispatchInfo? _failure;

    /// <summary>A single-threaded context.</summary>
    public static ComputeContext SingleThreaded { get; } = new(1);

    /// <summary>Creates a context that uses up to <paramref name="threads"/> threads.</summary>
    public ComputeContext(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be at least 1.");
        Threads = threads;
        _chunks = new Chunk[threads];
        for (int w = 1; w < threads; w++) _chunks[w] = new Chunk(this, w);
    }

    /// <summary>The number of threads the kernels may use.</summary>
    public int Threads { get; }

    /// <summary>The number of workers <see cref="For(int, RangeBody)"/> uses for <paramref name="count"/> items.</summary>
    public int WorkersFor(int count) => Math.Max(1, Math.Min(Threads, count));

    /// <summary>
    /// Runs <paramref name="body"/> over [0, count) split into <see cref="WorkersFor"/> contiguous
    /// chunks, one per worker; worker w gets the w-th chunk. Returns the number of workers used.
    /// </summary>
    public int For(int count, RangeBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int workers = WorkersFor(count);
        if (workers == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            if (workers > 1)
                for (int w = 0; w < workers; w++) RunChunk(body, count, workers, w);
            else
                body(0, 0, count);
            return workers;
        }
        try
        {
            _body = body;
            _count = count;
            _workers = workers;
            _failure = null;
            _pending = workers - 1;
            _finished.Reset();
            for (int w = 1; w < workers; w++)
                ThreadPool.UnsafeQueueUserWorkItem(_chunks[w], preferLocal: false);
            try
            {
                RunChunk(body, count, workers, 0);
            }
            finally
            {
                _finished.Wait();
            }
            _failure?.Throw();
            return workers;
        }
        finally
        {
            _body = null;
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// As <see cref="For(int, RangeBody)"/> for element-wise work over <paramref name="values"/> values in all, but on
    /// the calling thread alone below <see cref="MinParallelValues"/>, where waking a second thread costs more than it saves.
    /// </summary>
    public int For(int count, long values, RangeBody body)
    {
        if (values >= MinParallelValues) return For(count, body);
        ArgumentNullException.ThrowIfNull(body);
        body(0, 0, count);
        return 1;
    }

    /// <summary>The smallest element-wise job worth splitting: 32 Ki values, some 10 µs of memory traffic.</summary>
    public const long MinParallelValues = 1 << 15;

    private static void RunChunk(RangeBody body, int count, int workers, int w)
    {
        long start = (long)count * w / workers, end = (long)count * (w + 1) / workers;
        body(w, (int)start, (int)end);
    }

    private void RunQueuedChunk(int w)
    {
        try
        {
            RunChunk(_body!, _count, _workers, w);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
        }
        finally
        {
            if (Interlocked.Decrement(ref _pending) == 0) _finished.Set();
        }
    }

    // One preallocated thread-pool work item per extra worker.
    private sealed class Chunk(ComputeContext owner, int worker) : IThreadPoolWorkItem
    {
        public void Execute() => owner.RunQueuedChunk(worker);
    }
}
