namespace ScratchNet.Operations;

/// <summary>How a convolution or pooling window treats the image border.</summary>
public enum PaddingMode
{
    /// <summary>No padding: windows stay inside the image, so the output shrinks.</summary>
    Valid,

    /// <summary>Zero padding so that the output has ⌈input / stride⌉ positions; an odd total goes to the bottom/right side.</summary>
    Same,

    /// <summary>A fixed number of zeros on each side.</summary>
    Explicit,
}

/// <summary>Zero padding for a 2-D window: <see cref="Valid"/>, <see cref="Same"/> or explicit per side.</summary>
public readonly record struct Padding(PaddingMode Mode, int Top, int Bottom, int Left, int Right)
{
    /// <summary>No padding.</summary>
    public static Padding Valid => new(PaddingMode.Valid, 0, 0, 0, 0);

    /// <summary>"Same" padding: output size ⌈input / stride⌉, for odd and even kernels.</summary>
    public static Padding Same => new(PaddingMode.Same, 0, 0, 0, 0);

    /// <summary><paramref name="rows"/> zeros above and below, <paramref name="columns"/> left and right.</summary>
    public static Padding Explicit(int rows, int columns) => Explicit(rows, rows, columns, columns);

    /// <summary>Explicit zeros on each side.</summary>
    public static Padding Explicit(int top, int bottom, int left, int right)
    {
        if (top < 0 || bottom < 0 || left < 0 || right < 0)
            throw new ArgumentOutOfRangeException(nameof(top), $"Padding must be non-negative, got top={top}, bottom={bottom}, left={left}, right={right}.");
        return new(PaddingMode.Explicit, top, bottom, left, right);
    }

    /// <summary>Parses "same", "valid", "N" or "H,W" (explicit zeros per side).</summary>
    public static Padding Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "same") return Same;
        if (t == "valid") return Valid;
        string[] parts = t.Split(',');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, out int v) && v >= 0))
        {
            int rows = int.Parse(parts[0]), columns = int.Parse(parts[^1]);
            return Explicit(rows, columns);
        }
        throw new FormatException($"Padding '{text}' is not 'same', 'valid', a number of zeros, or 'rows,columns'.");
    }

    /// <summary>The zeros (before, after) along an axis of <paramref name="size"/> for this window.</summary>
    public (int Before, int After) Resolve(int size, int kernel, int stride, bool vertical)
    {
        switch (Mode)
        {
            case PaddingMode.Valid:
                return (0, 0);
            case PaddingMode.Explicit:
                return vertical ? (Top, Bottom) : (Left, Right);
            default:
                // In long: sizes near int.MaxValue would wrap; the total is below the kernel size, so it fits an int.
                long outputs = ((long)size + stride - 1) / stride;
                int total = (int)Math.Max((outputs - 1) * stride + kernel - size, 0);
                return (total / 2, total - total / 2);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Mode switch
    {
        PaddingMode.Explicit => $"explicit({Top},{Bottom},{Left},{Right})",
        _ => Mode.ToString().ToLowerInvariant(),
    };
}
