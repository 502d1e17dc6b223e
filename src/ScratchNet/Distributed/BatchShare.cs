namespace ScratchNet.Distributed;

/// <summary>
/// The rows of a global batch one worker trains on: worker r of N takes rows [⌊r·n/N⌋, ⌊(r+1)·n/N⌋) of a batch of n,
/// so the shares are contiguous, differ by at most one row, and together cover the batch in its order.
/// </summary>
/// <param name="Start">The first row of the share.</param>
/// <param name="Count">The number of rows (0 when the batch has fewer rows than there are workers).</param>
public readonly record struct BatchShare(int Start, int Count)
{
    /// <summary>The share of worker <paramref name="rank"/> of <paramref name="workers"/> in a batch of <paramref name="batchRows"/> rows.</summary>
    public static BatchShare Of(int batchRows, int rank, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        if ((uint)rank >= (uint)workers) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must be in [0, {workers}), got {rank}.");
        int start = (int)((long)rank * batchRows / workers), end = (int)((long)(rank + 1) * batchRows / workers);
        return new BatchShare(start, end - start);
    }
}
