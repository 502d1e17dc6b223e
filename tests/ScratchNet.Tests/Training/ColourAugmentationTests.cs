using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>
/// <see cref="Augmentation"/> on colour images: one shift, one flip and one erased rectangle per image, shared by
/// its channels; padding with each channel's own background and erasing with noise in each channel's own range.
/// </summary>
public sealed class ColourAugmentationTests
{
    private const int Images = 200, H = 9, W = 11, Plane = H * W;

    // Channel 1 = channel 0 + 100 and channel 2 = 2·channel 0 − 50: increasing maps, so each channel's minimum
    // (the padding) keeps the relation too; channel 0 differs from image to image and pixel to pixel.
    private static Tensor Related()
    {
        Tensor batch = TestData.Uniform(7, 0f, 1f, [Images, 3, H, W]);
        Span<float> v = batch.Span;
        for (int n = 0; n < Images; n++)
            for (int i = 0; i < Plane; i++)
            {
                float g = v[n * 3 * Plane + i];
                v[n * 3 * Plane + Plane + i] = g + 100;
                v[n * 3 * Plane + 2 * Plane + i] = 2 * g - 50;
            }
        return batch;
    }

    [Fact]
    public void ShiftAndFlip_MoveEveryChannelTheSameWay()
    {
        Tensor batch = Related(), original = batch.Clone();

        new Augmentation(MaxShift: 2, FlipHorizontally: true).Apply(batch, new Random(4), new float[Plane]);

        Span<float> v = batch.Span;
        int moved = 0;
        for (int n = 0; n < Images; n++)
        {
            int offset = n * 3 * Plane;
            for (int i = 0; i < Plane; i++)
            {
                float g = v[offset + i];
                Assert.Equal(g + 100, v[offset + Plane + i]);
                Assert.Equal(2 * g - 50, v[offset + 2 * Plane + i]);
            }
            if (!v.Slice(offset, Plane).SequenceEqual(original.Span.Slice(offset, Plane))) moved++;
        }
        Assert.InRange(moved, Images * 3 / 4, Images); // 1 in 50 draws neither shift nor flip
    }

    [Fact]
    public void Shift_PadsEachChannelWithItsOwnBackground()
    {
        // A black background standardised per channel is a different value in each channel.
        float[] background = [-0.4f, -1.2f, -2.5f];
        var batch = new Tensor(Images, 3, H, W);
        Span<float> v = batch.Span;
        for (int n = 0; n < Images; n++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < Plane; i++)
                    v[(n * 3 + c) * Plane + i] = i == Plane / 2 ? background[c] + 1 + c : background[c]; // one bright pixel

        new Augmentation(MaxShift: 2, FlipHorizontally: false).Apply(batch, new Random(5), new float[Plane]);

        for (int n = 0; n < Images; n++)
            for (int c = 0; c < 3; c++)
            {
                ReadOnlySpan<float> channel = v.Slice((n * 3 + c) * Plane, Plane);
                Assert.Equal(Plane - 1, channel.Count(background[c]));
                Assert.Equal(1, channel.Count(background[c] + 1 + c));
            }
    }

    [Fact]
    public void Erasing_FillsTheSameRectangleInEveryChannel_WithinEachChannelsRange()
    {
        // Each channel flat at its own level, with its own range [level − 0.5, level + 0.5] set by two corner pixels.
        float[] level = [0.5f, 10.5f, -5.5f];
        var batch = new Tensor(Images, 3, H, W);
        Span<float> v = batch.Span;
        for (int n = 0; n < Images; n++)
            for (int c = 0; c < 3; c++)
            {
                Span<float> channel = v.Slice((n * 3 + c) * Plane, Plane);
                channel.Fill(level[c]);
                (channel[0], channel[Plane - 1]) = (level[c] - 0.5f, level[c] + 0.5f);
            }

        new Augmentation(MaxShift: 0, FlipHorizontally: false, EraseProbability: 1).Apply(batch, new Random(6), new float[Plane]);

        float[] values = batch.Span.ToArray();
        for (int n = 0; n < Images; n++)
        {
            // Pixels inside the frame (the corners may be erased too; they hold the range's ends already).
            int[][] changed = Enumerable.Range(0, 3).Select(c => Enumerable.Range(1, Plane - 2)
                .Where(i => values[(n * 3 + c) * Plane + i] != level[c]).ToArray()).ToArray();
            Assert.NotEmpty(changed[0]);
            Assert.Equal(changed[0], changed[1]);
            Assert.Equal(changed[0], changed[2]);
            for (int c = 0; c < 3; c++)
                foreach (int i in changed[c])
                    Assert.InRange(values[(n * 3 + c) * Plane + i], level[c] - 0.5f, level[c] + 0.5f);
        }
    }
}
