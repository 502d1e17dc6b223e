using System.Diagnostics;

namespace ScratchNet.Operations;

/// <summary>
/// Where the time goes: while a profile is recording, every <see cref="Operation.Forward"/> and
/// <see cref="Operation.Backward"/> adds its wall-clock time to the operation's entry (in the spirit of PyTorch's
/// autograd profiler, per operation rather than per kernel). Start one with <see cref="Record"/> and dispose it to stop.
/// </summary>
/// <remarks>
/// One profile records at a time, process-wide. When none is recording, an operation pays one static read per call,
/// so training and inference keep allocating nothing. The times include the threads an operation waits for, which is
/// what a user waits for too. Entries are keyed by operation instance; <see cref="Entries"/> lists them in first-seen
/// order, which is forward order for a network.
/// </remarks>
public sealed class OperationProfile : IDisposable
{
    private static OperationProfile? s_active;
    private readonly Dictionary<Operation, Entry> _byOperation = [];
    private readonly List<Entry> _entries = [];
    private readonly Lock _lock = new();

    private OperationProfile()
    {
    }

    /// <summary>The profile recording now, if any.</summary>
    internal static OperationProfile? Active => Volatile.Read(ref s_active);

    /// <summary>Starts recording; throws when another profile is already recording.</summary>
    public static OperationProfile Record()
    {
        var profile = new OperationProfile();
        if (Interlocked.CompareExchange(ref s_active, profile, null) is not null)
            throw new InvalidOperationException("An operation profile is already recording; dispose it first.");
        return profile;
    }

    /// <summary>The operations seen, in the order of their first call.</summary>
    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_lock) return [.. _entries];
        }
    }

    /// <summary>The entry of <paramref name="operation"/>, or null when it never ran while recording.</summary>
    public Entry? Find(Operation operation)
    {
        lock (_lock) return _byOperation.GetValueOrDefault(operation);
    }

    /// <summary>Stops recording (the entries stay readable).</summary>
    public void Dispose() => Interlocked.CompareExchange(ref s_active, null, this);

    internal void Add(Operation operation, bool backward, long startTimestamp)
    {
        long elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        lock (_lock)
        {
            if (!_byOperation.TryGetValue(operation, out Entry? entry))
            {
                entry = new Entry(operation);
                _byOperation.Add(operation, entry);
                _entries.Add(entry);
            }
            if (backward)
            {
                entry.BackwardTicks += elapsed;
                entry.BackwardCalls++;
            }
            else
            {
                entry.ForwardTicks += elapsed;
                entry.ForwardCalls++;
            }
        }
    }

    /// <summary>The time one operation took, summed over its calls.</summary>
    public sealed class Entry(Operation operation)
    {
        /// <summary>The operation.</summary>
        public Operation Operation { get; } = operation;

        /// <summary>Number of forward passes recorded.</summary>
        public int ForwardCalls { get; internal set; }

        /// <summary>Number of backward passes recorded.</summary>
        public int BackwardCalls { get; internal set; }

        internal long ForwardTicks { get; set; }

        internal long BackwardTicks { get; set; }

        /// <summary>Total forward time.</summary>
        public TimeSpan Forward => Stopwatch.GetElapsedTime(0, ForwardTicks);

        /// <summary>Total backward time.</summary>
        public TimeSpan Backward => Stopwatch.GetElapsedTime(0, BackwardTicks);
    }
}
