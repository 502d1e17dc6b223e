using System.Diagnostics;
using ScratchNet.Distributed;

namespace ScratchNet.Bench.Scaling;

/// <summary>
/// A worker group that counts the time spent in its all-reduces. The time includes waiting for the slowest worker:
/// it is what a step loses to the reduction, not the wire time alone.
/// </summary>
internal sealed class TimedWorkers(IWorkerGroup inner) : IWorkerGroup
{
    private readonly Stopwatch _reducing = new();

    public double ReduceSeconds => _reducing.Elapsed.TotalSeconds;

    public int Rank => inner.Rank;

    public int Size => inner.Size;

    public void SumInPlace(Span<float> values)
    {
        _reducing.Start();
        inner.SumInPlace(values);
        _reducing.Stop();
    }

    public void SumInPlace(Span<double> values)
    {
        _reducing.Start();
        inner.SumInPlace(values);
        _reducing.Stop();
    }

    public void Broadcast(Span<byte> bytes, int root) => inner.Broadcast(bytes, root);
}
