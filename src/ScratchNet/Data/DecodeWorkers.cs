using System.Collections.Concurrent;
using StbImageSharp;

namespace ScratchNet.Data;

/// <summary>
/// Runs decodes on long-lived worker threads so that a caller can stop waiting after a time limit: a decoder that never
/// returns (StbImageSharp can loop on some damaged JPEGs) keeps its worker, which is abandoned and replaced. Starting a
/// thread per image cost more than decoding it; handing work to a waiting worker costs a few microseconds.
/// </summary>
internal static class DecodeWorkers
{
    private static readonly BlockingCollection<Job> Jobs = [];
    private static int _idle; // workers waiting in Take

    /// <summary>
    /// <paramref name="decode"/>'s result, or null with <paramref name="timedOut"/> set when it has not finished within
    /// <paramref name="timeout"/> of starting. Its exceptions are rethrown here.
    /// </summary>
    public static ImageResult? Run(Func<ImageResult?> decode, TimeSpan timeout, out bool timedOut)
    {
        var job = new Job(decode);
        if (Volatile.Read(ref _idle) == 0) StartWorker();
        Jobs.Add(job);
        // The limit counts from the start of the decode, not from the wait for a free worker.
        while (!job.Started.Wait(timeout)) StartWorker();
        timedOut = !job.Done.Wait(timeout);
        if (timedOut) return null;
        if (job.Error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(job.Error).Throw();
        return job.Result;
    }

    private static void StartWorker() =>
        new Thread(Work, maxStackSize: 1024 * 1024) { IsBackground = true, Name = "image decoder" }.Start();

    private static void Work()
    {
        while (true)
        {
            Interlocked.Increment(ref _idle);
            Job job = Jobs.Take();
            Interlocked.Decrement(ref _idle);
            job.Started.Set();
            try
            {
                job.Result = job.Decode();
            }
            catch (Exception e)
            {
                job.Error = e;
            }
            job.Done.Set();
        }
    }

    // The events are not disposed: a worker left behind may still set them after its caller has gone.
    private sealed class Job(Func<ImageResult?> decode)
    {
        public Func<ImageResult?> Decode { get; } = decode;
        public ManualResetEventSlim Started { get; } = new();
        public ManualResetEventSlim Done { get; } = new();
        public ImageResult? Result { get; set; }
        public Exception? Error { get; set; }
    }
}
