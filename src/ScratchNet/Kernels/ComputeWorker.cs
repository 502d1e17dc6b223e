using System.Diagnostics;

namespace ScratchNet.Kernels;

/// <summary>
/// One extra thread of a <see cref="ComputeContext"/>: it runs chunk <c>index</c> of each parallel region it is handed.
/// Between regions it spins for a short while, then sleeps, and after a long idle spell it ends (the next region starts
/// a new thread), so a context that is no longer used holds no thread.
/// </summary>
/// <remarks>
/// <para>
/// Why not the .NET thread pool: on a two-core machine, a pool thread woken for each region was often placed on the
/// caller's core, or started milliseconds late behind other pool threads that were spinning there. Measured on the
/// Zen 5 build machine (a scratch probe: two chunks of 7 ms of arithmetic, 400 regions), 22–62 regions in 400 took
/// 2–8 ms longer than their work, against 3–5 with a thread of our own that waits spinning; the mean region took
/// 8.3–8.8 ms against 6.8–8.0. A spinning thread is already running on its own core when the next region comes, and
/// the regions of a training step follow each other within microseconds.
/// </para>
/// <para>
/// Hand-over without lost wake-ups: the caller writes the region's number into <see cref="_task"/>, then moves
/// <see cref="_state"/> from Parked to Running and releases the semaphore once for each such move. The worker, before it
/// sleeps, publishes Parked and looks at <see cref="_task"/> again; whichever side moves the state back to Running owns
/// that wake-up, so every release is consumed exactly once, and a spurious wake only makes the loop look again.
/// </para>
/// </remarks>
internal sealed class ComputeWorker(ComputeContext owner, int index)
{
    private const int Running = 0, Parked = 1, Ended = 2;

    /// <summary>How long a worker spins for the next region before it sleeps: longer than the gaps within a training step.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000;

    private readonly SemaphoreSlim _wake = new(0);
    private int _state = Ended;
    private int _task, _seen;

    /// <summary>Whether the worker has a thread now (it has none before its first region and after an idle spell).</summary>
    public bool HasThread => Volatile.Read(ref _state) != Ended;

    /// <summary>Hands region <paramref name="region"/> to this worker, starting its thread if it has none.</summary>
    public void Start(int region)
    {
        Volatile.Write(ref _task, region);
        int previous = Interlocked.CompareExchange(ref _state, Running, Parked);
        if (previous == Parked)
        {
            _wake.Release();
        }
        else if (previous == Ended)
        {
            // Only this (claimed) context's caller starts threads, so no one else moves the state from Ended.
            Volatile.Write(ref _state, Running);
            new Thread(Loop) { IsBackground = true, Name = $"ScratchNet compute {index}" }.Start();
        }
    }

    private void Loop()
    {
        while (true)
        {
            if (!WaitForTask()) return;
            _seen = Volatile.Read(ref _task);
            owner.RunWorkerChunk(index);
        }
    }

    // True when a new region was handed over; false when the thread should end.
    private bool WaitForTask()
    {
        if (owner.WorkersSpin)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (Volatile.Read(ref _task) != _seen) return true;
                Thread.SpinWait(30);
            }
        }
        while (true)
        {
            Interlocked.Exchange(ref _state, Parked);
            if (Volatile.Read(ref _task) != _seen)
            {
                if (Interlocked.CompareExchange(ref _state, Running, Parked) != Parked) _wake.Wait();   // the caller's release
                return true;
            }
            if (_wake.Wait(owner.IdleMilliseconds)) return true;   // the caller moved the state to Running
            if (Interlocked.CompareExchange(ref _state, Ended, Parked) == Parked) return false;
            _wake.Wait();   // the caller handed a region over just as the wait timed out: take its release
            return true;
        }
    }
}
