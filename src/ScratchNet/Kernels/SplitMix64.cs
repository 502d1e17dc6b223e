namespace ScratchNet.Kernels;

/// <summary>
/// A small, fast random-number generator (Steele, Lea and Flood's SplitMix64) for per-element draws
/// such as dropout masks, where <see cref="Random"/> costs several times more than the arithmetic it feeds.
/// Deterministic for a given seed.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>
    /// The generator <paramref name="draws"/> draws after <c>new SplitMix64(seed)</c>: the state only counts up, so
    /// any stretch of a stream can be drawn on its own (and in parallel) with the same bits.
    /// </summary>
    public static SplitMix64 At(ulong seed, long draws) => new(unchecked(seed + (ulong)draws * Golden));

    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = _state += Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Fills <paramref name="values"/> with uniform floats in [0, 1), two per 64-bit draw (24 bits each).</summary>
    public void NextSingles(Span<float> values)
    {
        const float scale = 1f / (1 << 24);
        int i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            ulong bits = Next();
            values[i] = (bits >> 40) * scale;
            values[i + 1] = ((bits >> 8) & 0xFFFFFF) * scale;
        }
        if (i < values.Length) values[i] = (Next() >> 40) * scale;
    }
}
