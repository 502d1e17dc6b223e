namespace ScratchNet.Training;

/// <summary>
/// On-the-fly augmentation of training images, in this order: a random shift of up to <see cref="MaxShift"/>
/// pixels in each direction (the image is padded with its own background, each channel's smallest value, and
/// cropped back, which is the "pad and random crop" of the literature); with <see cref="FlipHorizontally"/>, a
/// left-right mirror half of the time; and with probability <see cref="EraseProbability"/>, random erasing
/// (Zhong et al., 2017, "Random Erasing Data Augmentation"): a rectangle covering 2–40 % of the image, with
/// an aspect ratio between 0.3 and 3.3, is filled in every channel with noise drawn uniformly between that
/// channel's smallest and largest values. The channels of an image move together: one shift, one flip and one
/// rectangle per image. Only training batches are augmented; evaluation never is.
/// </summary>
/// <param name="MaxShift">The largest shift in pixels, in [0, 8].</param>
/// <param name="FlipHorizontally">Whether to mirror half of the images.</param>
/// <param name="EraseProbability">The chance that an image gets a random rectangle erased, in [0, 1].</param>
public sealed record Augmentation(int MaxShift = 2, bool FlipHorizontally = true, double EraseProbability = 0)
{
    /// <summary>Shift by up to 2 pixels, mirror half of the images and erase a rectangle in half of them.</summary>
    public static Augmentation Standard { get; } = new(EraseProbability: 0.5);

    // Zhong et al.'s settings: erased area in [2 %, 40 %] of the image, aspect ratio in [0.3, 1/0.3].
    private const double MinEraseArea = 0.02, MaxEraseArea = 0.4, MinEraseAspect = 0.3;

    /// <summary>What is done to a training image, for logs: e.g. "shifts up to 2 px, horizontal flips, random erasing in 50 % of images".</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (MaxShift > 0) parts.Add($"shifts up to {MaxShift} px");
        if (FlipHorizontally) parts.Add("horizontal flips");
        if (EraseProbability > 0) parts.Add(FormattableString.Invariant($"random erasing in {EraseProbability * 100:0.#} % of images"));
        return parts.Count == 0 ? "nothing changed" : string.Join(", ", parts);
    }

    internal void Validate()
    {
        if (MaxShift is < 0 or > 8)
            throw new ArgumentOutOfRangeException(nameof(MaxShift), MaxShift, $"The augmentation shift must be in [0, 8] pixels, got {MaxShift}.");
        if (!(EraseProbability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(EraseProbability), EraseProbability, $"The erasing probability must be in [0, 1], got {EraseProbability}.");
    }

    /// <summary>Augments each image of the NCHW batch in place.</summary>
    public void Apply(Tensor batch, Random random, Span<float> scratch)
    {
        int n = batch.Dim(0), channels = batch.Dim(1), h = batch.Dim(2), w = batch.Dim(3), plane = h * w;
        for (int i = 0; i < n; i++)
        {
            int dy = random.Next(-MaxShift, MaxShift + 1), dx = random.Next(-MaxShift, MaxShift + 1);
            bool flip = FlipHorizontally && random.Next(2) == 1;
            Span<float> image = batch.Span.Slice(i * channels * plane, channels * plane);
            // Each channel's own minimum: a black background is a different standardised value in each channel.
            for (int c = 0; c < channels; c++)
            {
                Span<float> channel = image.Slice(c * plane, plane);
                Transform(channel, scratch[..plane], h, w, dy, dx, flip, System.Numerics.Tensors.TensorPrimitives.Min(channel));
            }
            if (EraseProbability > 0) Erase(image, channels, h, w, random);
        }
    }

    /// <summary>Advances <paramref name="random"/> as augmenting <paramref name="images"/> images would (to resume mid-epoch).</summary>
    public void Skip(Random random, int images)
    {
        for (int i = 0; i < images; i++)
        {
            random.Next(-MaxShift, MaxShift + 1);
            random.Next(-MaxShift, MaxShift + 1);
            if (FlipHorizontally) random.Next(2);
            if (EraseProbability > 0) DrawErasure(random);
        }
    }

    // out[y, x] = in[y − dy, x' − dx] with x' mirrored when flipping; background outside the image.
    private static void Transform(Span<float> plane, Span<float> copy, int h, int w, int dy, int dx, bool flip, float background)
    {
        plane.CopyTo(copy);
        for (int y = 0; y < h; y++)
        {
            int sy = y - dy;
            for (int x = 0; x < w; x++)
            {
                int sx = (flip ? w - 1 - x : x) - dx;
                plane[y * w + x] = (uint)sy < (uint)h && (uint)sx < (uint)w ? copy[sy * w + sx] : background;
            }
        }
    }

    // Every image draws the same six numbers whether or not it is erased, so Skip can replay them.
    private static (double Chance, double Area, double Aspect, double Top, double Left, long NoiseSeed) DrawErasure(Random random) =>
        (random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextInt64());

    private void Erase(Span<float> image, int channels, int h, int w, Random random)
    {
        var draw = DrawErasure(random);
        if (draw.Chance >= EraseProbability) return;
        // Area uniform in [min, max]; aspect log-uniform in [0.3, 1/0.3], so tall and wide are equally likely.
        double area = h * w * (MinEraseArea + draw.Area * (MaxEraseArea - MinEraseArea));
        double aspect = Math.Exp(Math.Log(MinEraseAspect) * (1 - 2 * draw.Aspect));
        int eh = Math.Clamp((int)Math.Round(Math.Sqrt(area * aspect)), 1, h);
        int ew = Math.Clamp((int)Math.Round(Math.Sqrt(area / aspect)), 1, w);
        int top = (int)(draw.Top * (h - eh + 1)), left = (int)(draw.Left * (w - ew + 1));
        var noise = new Kernels.SplitMix64((ulong)draw.NoiseSeed);
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> channel = image.Slice(c * h * w, h * w);
            float low = System.Numerics.Tensors.TensorPrimitives.Min(channel), high = System.Numerics.Tensors.TensorPrimitives.Max(channel);
            for (int y = top; y < top + eh; y++)
            {
                Span<float> row = image.Slice(c * h * w + y * w + left, ew);
                noise.NextSingles(row);
                foreach (ref float value in row) value = low + (high - low) * value;
            }
        }
    }
}
