namespace ScratchNet.Distributed;

/// <summary>A group of one: the ordinary, single-process run. Every collective operation leaves its buffer as it is.</summary>
public sealed class SingleWorker : IWorkerGroup
{
    /// <summary>The one instance.</summary>
    public static SingleWorker Instance { get; } = new();

    private SingleWorker()
    {
    }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int Size => 1;

    /// <inheritdoc />
    public void SumInPlace(Span<float> values)
    {
    }

    /// <inheritdoc />
    public void SumInPlace(Span<double> values)
    {
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> bytes, int root)
    {
    }
}
