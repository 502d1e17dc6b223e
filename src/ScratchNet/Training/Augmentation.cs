namespace ScratchNet.Training;

/// <summary>
/// On-the-fly augmentation of training images: a random shift of up to <see cref="MaxShift"/> pixels in
/// each direction (the image is padded with its own background, the smallest value, and cropped back,
/// which is the "pad and random crop" of the literature) and, with <see cref="FlipHorizontally"/>, a
/// left-right mirror half of the time. Only training batches are augmented; evaluation never is.
/// </summary>
/// <param name="MaxShift">The largest shift in pixels, in [0, 8].</param>
/// <param name="FlipHorizontally">Whether to mirror half of the images.</param>
public sealed record Augmentation(int MaxShift = 2, bool FlipHorizontally = true)
{
    /// <summary>Shift by up to 2 pixels and mirror half of the images.</summary>
    public static Augmentation Standard { get; } = new();

    internal void Validate()
    {
        if (MaxShift is < 0 or > 8)
            throw new ArgumentOutOfRangeException(nameof(MaxShift), MaxShift, $"The augmentation shift must be in [0, 8] pixels, got {MaxShift}.");
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
            float background = System.Numerics.Tensors.TensorPrimitives.Min(image);
            for (int c = 0; c < channels; c++)
                Transform(image.Slice(c * plane, plane), scratch[..plane], h, w, dy, dx, flip, background);
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
}
