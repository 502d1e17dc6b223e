using ScratchNet.Kernels;

namespace ScratchNet.Tests.Kernels;

/// <summary>
/// The context's own worker threads: every chunk of every region runs exactly once, on its own thread, however the
/// regions follow each other; a failing chunk reaches the caller; idle threads end and come back when needed; chunks
/// handed out on demand cover every item once, and a free worker takes the chunks a held-up one cannot.
/// </summary>
public sealed class ComputeContextTests
{
    [Theory]
    [InlineData(2, 5000)]
    [InlineData(3, 5000)]
    [InlineData(3, 1)]   // threads end after 1 ms asleep: regions often find them ending, or gone
    public async Task ManyRegionsOfChangingWidth_RunEveryChunkExactlyOnce(int threads, int idleMilliseconds)
    {
        var context = new ComputeContext(threads) { IdleMilliseconds = idleMilliseconds };
        var random = new Random(7);
        var runs = new int[8];
        Task regions = Task.Run(() =>
        {
            for (int region = 0; region < 5_000; region++)
            {
                int count = random.Next(1, runs.Length + 1);
                Array.Clear(runs);
                context.For(count, (worker, start, end) =>
                {
                    for (int i = start; i < end; i++) Interlocked.Increment(ref runs[i]);
                });
                for (int i = 0; i < runs.Length; i++)
                    Assert.True(runs[i] == (i < count ? 1 : 0), $"region {region} over {count} items: item {i} ran {runs[i]} times");
                if (region % 50 == 49) Thread.Sleep(region / 50 % 4);   // let the workers stop spinning, sleep, end
            }
        });
        Task first = await Task.WhenAny(regions, Task.Delay(TimeSpan.FromMinutes(2)));
        Assert.True(first == regions, "the regions did not finish within two minutes (a lost wake-up?)");
        await regions;   // rethrows an assertion that failed inside
    }

    [Fact]
    public void Chunks_RunOnTheCallerAndOnDistinctThreads()
    {
        var context = new ComputeContext(3);
        var threadOf = new int[3];
        context.For(3, (worker, start, end) => threadOf[worker] = Environment.CurrentManagedThreadId);
        Assert.Equal(Environment.CurrentManagedThreadId, threadOf[0]);
        Assert.Equal(3, threadOf.Distinct().Count());
    }

    [Fact]
    public void FailingChunk_ReachesTheCaller_AndTheContextStillWorks()
    {
        var context = new ComputeContext(2);
        var e = Assert.Throws<InvalidOperationException>(() => context.For(2, (worker, start, end) =>
        {
            if (worker == 1) throw new InvalidOperationException("chunk 1 failed");
        }));
        Assert.Equal("chunk 1 failed", e.Message);

        int sum = 0;
        context.For(2, (worker, start, end) => Interlocked.Add(ref sum, end - start));
        Assert.Equal(2, sum);
    }

    [Fact]
    public void IdleWorkerThreads_End_AndTheNextRegionStartsThemAgain()
    {
        var context = new ComputeContext(3) { IdleMilliseconds = 50 };
        Assert.Equal(0, context.LiveWorkerThreads);   // none before the first region
        context.For(3, (worker, start, end) => { });
        Assert.Equal(2, context.LiveWorkerThreads);

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (context.LiveWorkerThreads > 0 && waited.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(20);
        Assert.Equal(0, context.LiveWorkerThreads);

        var threadOf = new int[3];
        context.For(3, (worker, start, end) => threadOf[worker] = Environment.CurrentManagedThreadId);
        Assert.Equal(3, threadOf.Distinct().Count());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ForEachChunk_CoversEveryItemOnce_InChunksStartingAtMultiples(int threads)
    {
        var context = new ComputeContext(threads);
        foreach (int count in new[] { 1, 7, 64, 101 })
        {
            var runs = new int[count];
            var badChunks = new System.Collections.Concurrent.ConcurrentBag<string>();
            context.ForEachChunk(count, 4, 0, (in int _, int worker, int start, int end) =>
            {
                if (start % 4 != 0 || end - start > 4 || end > count || (end - start < 4 && end != count)) badChunks.Add($"[{start}, {end})");
                for (int i = start; i < end; i++) Interlocked.Increment(ref runs[i]);
            });
            Assert.Empty(badChunks);
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void ForEachChunk_ASlowWorkerTakesFewerChunks()
    {
        // The calling thread (worker 0) is held up on its first chunk; the other worker takes the chunks meanwhile.
        var context = new ComputeContext(2);
        var taken = new int[2];
        context.ForEachChunk(40, 1, 0, (in int _, int worker, int start, int end) =>
        {
            if (Interlocked.Increment(ref taken[worker]) == 1 && worker == 0) Thread.Sleep(300);
        });
        Assert.Equal(40, taken[0] + taken[1]);
        Assert.True(taken[1] > 20, $"worker 1 took {taken[1]} of 40 chunks while worker 0 slept");
    }
}
