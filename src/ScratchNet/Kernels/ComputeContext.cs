namespace ScratchNet.Kernels;

/// <summary>A body of work over the index range [start, end), run by worker <c>worker</c>.</summary>
public delegate void RangeBody(int worker, int start, int end);

/// <summary>
/// How many threads the kernels may use. Work is split into fixed, contiguous chunks that depend
/// only on the count and the thread number, so results are reproducible for a given thread count.
/// </summary>
public sealed class ComputeContext
{
    /// <summary>A single-threaded context.</summary>
    public static ComputeContext SingleThreaded { get; } = new(1);

    /// <summary>Creates a context that uses up to <paramref name="threads"/> threads.</summary>
    public ComputeContext(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be at least 1.");
        Threads = threads;
    }

    /// <summary>The number of threads the kernels may use.</summary>
    public int Threads { get; }

    /// <summary>The number of workers <see cref="For"/> uses for <paramref name="count"/> items.</summary>
    public int WorkersFor(int count) => Math.Max(1, Math.Min(Threads, count));

    /// <summary>
    /// Runs <paramref name="body"/> over [0, count) split into <see cref="WorkersFor"/> contiguous
    /// chunks, one per worker; worker w gets the w-th chunk. Returns the number of workers used.
    /// </summary>
    public int For(int count, RangeBody body)
    {
        int workers = WorkersFor(count);
        if (workers == 1)
        {
            body(0, 0, count);
            return 1;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            long start = (long)count * w / workers, end = (long)count * (w + 1) / workers;
            body(w, (int)start, (int)end);
        });
        return workers;
    }
}
