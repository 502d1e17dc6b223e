using System.Numerics;
using System.Numerics.Tensors;

namespace ScratchNet.Operations;

/// <summary>
/// Inverted dropout. In training each element is kept with probability 1 − rate and scaled by 1/(1 − rate), so the
/// expected output equals the input: y = x ⊙ m with m[i] ∈ {0, 1/(1 − rate)}. At inference it is the identity (no copy).
/// </summary>
/// <remarks>
/// Backward: ∂L/∂x = ∂L/∂y ⊙ m in training (the mask of the last training forward), ∂L/∂y at inference.
/// The mask is drawn from a <see cref="Random"/> owned by the operation and seeded at construction, so the same seed
/// and the same sequence of calls give the same masks.
/// </remarks>
public sealed class DropoutOperation : Operation, IStochastic, IBatchSliced
{
    private Random _random;
    private Tensor? _mask;

    /// <summary>Creates the operation.</summary>
    /// <param name="rate">The probability of dropping an element, in [0, 1).</param>
    /// <param name="seed">Seeds the random numbers the masks are drawn from.</param>
    public DropoutOperation(float rate, int seed = 0)
    {
        Rate = ValidateRate(rate, "DropoutOperation");
        _random = new Random(seed);
    }

    /// <summary>The probability of dropping an element.</summary>
    public float Rate { get; }

    /// <inheritdoc />
    public int FirstRow { get; set; }

    /// <inheritdoc />
    public void Reseed(int seed) => _random = new Random(seed);

    /// <inheritdoc />
    public void Skip(int batches)
    {
        // Each training forward pass draws one seed for its mask.
        for (int i = 0; i < batches; i++) _random.NextInt64();
    }

    /// <summary>
    /// When true, training forward passes reuse the current mask (while the shape stays the same) instead of drawing
    /// a new one. Meant for gradient checks, which run the same forward pass many times.
    /// </summary>
    public bool FreezeMask { get; set; }

    /// <summary>The mask of the last training forward pass (0 or 1/(1 − rate) per element), or null before one.</summary>
    public Tensor? Mask => _mask;

    /// <summary>Throws unless <paramref name="rate"/> lies in [0, 1); the message names <paramref name="owner"/> and the value.</summary>
    internal static float ValidateRate(float rate, string owner) => rate is >= 0f and < 1f ? rate
        : throw new ArgumentOutOfRangeException(nameof(rate), rate, $"{owner}: the dropout rate must be in [0, 1), got {rate}.");

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        if (!Training) return input;
        bool reuse = FreezeMask && _mask is not null && _mask.HasShape(input.Shape);
        Tensor mask = reuse ? _mask! : Tensor.Reuse(ref _mask, input.Shape);
        Tensor output = OutputBuffer(input.Shape);
        ulong seed = reuse ? 0 : (ulong)_random.NextInt64();
        int blocks = (input.Length + Block - 1) / Block;
        long offset = (long)FirstRow * input.SampleLength; // where this batch's first element sits in the global batch
        Compute.For(blocks, input.Length, (Op: this, X: input, Mask: mask, Y: output, Seed: seed, Draw: !reuse, Offset: offset), static (in s, _, first, end) =>
        {
            for (int block = first; block < end; block++)
            {
                int start = block * Block, length = Math.Min(Block, s.X.Length - start);
                Span<float> m = s.Mask.Span.Slice(start, length);
                if (s.Draw) s.Op.DrawMask(m, s.Seed, s.Offset + start);
                TensorPrimitives.Multiply(s.X.Span.Slice(start, length), m, s.Y.Span.Slice(start, length));
            }
        });
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        if (!Training) return outputGradient;
        Tensor inputGradient = InputGradientBuffer();
        Compute.For((inputGradient.Length + Block - 1) / Block, inputGradient.Length, (Dy: outputGradient, Mask: _mask!, Dx: inputGradient),
            static (in s, _, first, end) =>
            {
                int start = first * Block, length = Math.Min(end * Block, s.Dx.Length) - start;
                TensorPrimitives.Multiply(s.Dy.Span.Slice(start, length), s.Mask.Span.Slice(start, length), s.Dx.Span.Slice(start, length));
            });
        return inputGradient;
    }

    // Work is split in blocks of this many values (even, so each starts on a whole draw of two floats).
    private const int Block = 8192;

    // The mask values at [start, start + mask.Length) of one stream seeded with seed: the same bits however it is split.
    // Each 64-bit draw gives two values, so an odd start takes the second half of its draw.
    private void DrawMask(Span<float> mask, ulong seed, long start)
    {
        var generator = Kernels.SplitMix64.At(seed, start / 2);
        if (start % 2 == 1 && mask.Length > 0)
        {
            Span<float> pair = stackalloc float[2];
            generator.NextSingles(pair);
            mask[0] = pair[1];
            generator.NextSingles(mask[1..]);
        }
        else
        {
            generator.NextSingles(mask);
        }
        // u is uniform in [0, 1): P(u ≥ rate) = 1 − rate.
        float keep = 1f / (1f - Rate);
        var (keepVector, rateVector) = (new Vector<float>(keep), new Vector<float>(Rate));
        int i = 0, width = Vector<float>.Count;
        for (; i <= mask.Length - width; i += width)
            Vector.ConditionalSelect(Vector.GreaterThanOrEqual(new Vector<float>(mask[i..]), rateVector), keepVector, Vector<float>.Zero).CopyTo(mask[i..]);
        for (; i < mask.Length; i++) mask[i] = mask[i] >= Rate ? keep : 0f;
    }
}
