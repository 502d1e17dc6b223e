using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary>The time limit on decoding: a decode that does not return is left behind, and the workers still serve.</summary>
public sealed class DecodeWorkersTests
{
    [Fact]
    public void HangingDecode_TimesOutAndLaterDecodesStillRun()
    {
        using var release = new ManualResetEventSlim();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.Null(DecodeWorkers.Run(() => { release.Wait(); return null; }, TimeSpan.FromMilliseconds(200), out bool timedOut));
        Assert.True(timedOut);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        // Many decodes at once, while the first worker is still stuck.
        Parallel.For(0, 50, _ =>
        {
            Assert.Null(DecodeWorkers.Run(() => null, TimeSpan.FromSeconds(30), out bool late));
            Assert.False(late);
        });
        var error = Assert.Throws<InvalidDataException>(() => DecodeWorkers.Run(() => throw new InvalidDataException("bad huffman code"), TimeSpan.FromSeconds(30), out _));
        Assert.Equal("bad huffman code", error.Message);
        release.Set();
    }
}
