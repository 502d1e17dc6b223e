using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ScratchNet.Kernels;

/// <summary>A body of work over the index range [start, end), run by worker <c>worker</c>.</summary>
public delegate void RangeBody(int worker, int start, int end);

/// <summary>A body of work over [start, end) run by worker <c>worker</c>, with the caller's state handed along.</summary>
public delegate void RangeBody<TState>(in TState state, int worker, int start, int end);

/// <summary>
/// How many threads the kernels may use. Work is split into fixed, contiguous chunks that depend
/// only on the count and the thread number, so results are reproducible for a given thread count.
/// </summary>
/// <remarks>
/// The calling thread runs chunk 0; the other chunks go to the context's own threads
/// (<see cref="ComputeWorker"/>), started on the first region that needs them, so a parallel region
/// allocates nothing. Regions on one context run one at a time: a region started from inside
/// another (or from a second thread meanwhile) runs serially.
/// </remarks>
public sealed class ComputeContext
{
    private readonly ComputeWorker[] _threads;
    private readonly ManualResetEventSlim _finished = new(false);
    private int _busy, _region;
    private int _pending;
    private RangeBody? _body;
    private int _count, _workers;
    private ExceptionDispatchInfo? _failure;
    private readonly Dictionary<Type, object> _bindings = [];

    /// <summary>
    /// The most threads a context may have. Far above the cores of common machines (asking for more than the machine
    /// has is allowed: the same count reproduces a run of a larger machine, only slower), and low enough that a
    /// mistyped count cannot exhaust memory.
    /// </summary>
    public const int MaxThreads = 256;

    /// <summary>A single-threaded context.</summary>
    public static ComputeContext SingleThreaded { get; } = new(1);

    /// <summary>Creates a context that uses up to <paramref name="threads"/> threads.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not 1 to <see cref="MaxThreads"/>.</exception>
    public ComputeContext(int threads)
    {
        if (threads is < 1 or > MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"The thread count must be 1 to {MaxThreads}.");
        Threads = threads;
        _threads = new ComputeWorker[threads];
        for (int w = 1; w < threads; w++) _threads[w] = new ComputeWorker(this, w);
        WorkersSpin = threads <= Environment.ProcessorCount;
    }

    /// <summary>The number of threads the kernels may use.</summary>
    public int Threads { get; }

    /// <summary>
    /// Whether the threads spin between regions: only when each can have a core of its own, since with more threads
    /// than cores a spinning thread takes the time of one that has work.
    /// </summary>
    internal bool WorkersSpin { get; }

    /// <summary>How long an idle worker thread sleeps before it ends (tests shorten it).</summary>
    internal int IdleMilliseconds { get; init; } = 5000;

    /// <summary>How many worker threads are alive now.</summary>
    internal int LiveWorkerThreads => _threads.Count(w => w is not null && w.HasThread);

    /// <summary>
    /// The number of workers <see cref="For(int, RangeBody)"/> uses for <paramref name="count"/> items, and the most any
    /// overload uses: per-worker scratch is sized by this, not by <see cref="Threads"/>.
    /// </summary>
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
            for (int w = 0; w < workers; w++) RunChunk(body, count, workers, w);
            return workers;
        }
        try
        {
            RunClaimed(body, count, workers);
            return workers;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// As <see cref="For(int, RangeBody)"/> for element-wise work over <paramref name="values"/> values in all (on the
    /// calling thread alone below <see cref="MinParallelValues"/>, where waking a second thread costs more than it
    /// saves), with <paramref name="state"/> handed to every chunk. With a static lambda, which the compiler creates
    /// once, the region allocates nothing, where a lambda that captures locals allocates its closure on every call.
    /// </summary>
    public int For<TState>(int count, long values, in TState state, RangeBody<TState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return For(values >= MinParallelValues ? WorkersFor(count) : 1, count, state, body);
    }

    /// <summary>As <see cref="For(int, RangeBody)"/>, with <paramref name="state"/> handed to every chunk, allocating nothing.</summary>
    public int For<TState>(int count, in TState state, RangeBody<TState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return For(WorkersFor(count), count, state, body);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) in chunks of <paramref name="chunk"/> items (the
    /// last may be shorter), each taken by whichever worker is free next, so a worker slowed by the machine (a core
    /// shared with another program) takes fewer chunks instead of holding the others up. For work whose every item
    /// gives the same result whichever worker computes it, with whatever other items (results then do not depend on the
    /// scheduling); work that sums over items belongs in the fixed chunks of <see cref="For{TState}(int, in TState, RangeBody{TState})"/>.
    /// Chunks start at multiples of <paramref name="chunk"/>; a region that cannot use the threads runs them all on
    /// the calling thread as worker 0. Returns the number of workers used.
    /// </summary>
    public int ForEachChunk<TState>(int count, int chunk, in TState state, RangeBody<TState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        int chunks = (int)(((long)count + chunk - 1) / chunk), workers = WorkersFor(chunks);
        if (workers == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int start = 0; start < count; start += chunk) body(state, 0, start, Math.Min(count, start + chunk));
            return 1;
        }
        var binding = BindingFor<ChunkBinding<TState>>();
        try
        {
            binding.Set(state, body, count, chunk);
            RunClaimed(binding.Run, workers, workers);
            return workers;
        }
        finally
        {
            binding.Clear();
            Volatile.Write(ref _busy, 0);
        }
    }

    // The binding of a kind, made once per context: the context is claimed while it is in use, so no one else uses it.
    private TBinding BindingFor<TBinding>() where TBinding : class, new()
    {
        if (!_bindings.TryGetValue(typeof(TBinding), out object? found)) _bindings[typeof(TBinding)] = found = new TBinding();
        return (TBinding)found;
    }

    private int For<TState>(int workers, int count, in TState state, RangeBody<TState> body)
    {
        if (workers == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int w = 0; w < workers; w++)
            {
                long start = (long)count * w / workers, end = (long)count * (w + 1) / workers;
                body(state, w, (int)start, (int)end);
            }
            return workers;
        }
        // The state is parked in a binding made once per state type; this context is claimed, so no one else uses it meanwhile.
        var binding = BindingFor<Binding<TState>>();
        try
        {
            binding.Set(state, body);
            RunClaimed(binding.Run, count, workers);
            return workers;
        }
        finally
        {
            binding.Clear();
            Volatile.Write(ref _busy, 0);
        }
    }

    // Runs chunk 0 here and the others on the worker threads; the caller holds _busy.
    private void RunClaimed(RangeBody body, int count, int workers)
    {
        try
        {
            _body = body;
            _count = count;
            _workers = workers;
            _failure = null;
            _pending = workers - 1;
            _finished.Reset();
            int region = ++_region;
            for (int w = 1; w < workers; w++) _threads[w].Start(region);
            try
            {
                RunChunk(body, count, workers, 0);
            }
            finally
            {
                WaitForWorkers();
            }
            _failure?.Throw();
        }
        finally
        {
            _body = null;
        }
    }

    /// <summary>The smallest element-wise job worth splitting: 32 Ki values, some 10 µs of memory traffic.</summary>
    public const long MinParallelValues = 1 << 15;

    private static void RunChunk(RangeBody body, int count, int workers, int w)
    {
        long start = (long)count * w / workers, end = (long)count * (w + 1) / workers;
        body(w, (int)start, (int)end);
    }

    // The other chunks usually end within microseconds of this one: spin for them a while before sleeping.
    private void WaitForWorkers()
    {
        if (WorkersSpin)
        {
            long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000;
            while (Volatile.Read(ref _pending) != 0 && Stopwatch.GetTimestamp() < deadline) Thread.SpinWait(30);
        }
        _finished.Wait();
    }

    /// <summary>Runs chunk <paramref name="w"/> of the current region on worker thread <paramref name="w"/>.</summary>
    internal void RunWorkerChunk(int w)
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

    // As Binding, for ForEachChunk: each worker takes the next chunk from a shared counter until none is left.
    private sealed class ChunkBinding<TState>
    {
        private TState _state = default!;
        private RangeBody<TState>? _body;
        private int _count, _chunk, _next;

        public ChunkBinding() => Run = (worker, _, _) =>
        {
            for (long start; (start = (long)(Interlocked.Increment(ref _next) - 1) * _chunk) < _count;)
                _body!(_state, worker, (int)start, (int)Math.Min(_count, start + _chunk));
        };

        public RangeBody Run { get; }

        public void Set(in TState state, RangeBody<TState> body, int count, int chunk) =>
            (_state, _body, _count, _chunk, _next) = (state, body, count, chunk, 0);

        public void Clear() => (_state, _body) = (default!, null);
    }

    // A state and a body, and the one delegate that runs them, created once per state type and context.
    private sealed class Binding<TState>
    {
        private TState _state = default!;
        private RangeBody<TState>? _body;

        public Binding() => Run = (worker, start, end) => _body!(_state, worker, start, end);

        public RangeBody Run { get; }

        public void Set(in TState state, RangeBody<TState> body) => (_state, _body) = (state, body);

        public void Clear() => (_state, _body) = (default!, null);
    }
}
