using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>Random erasing in <see cref="Augmentation"/>, and presets that lighten their dropout for augmented training.</summary>
public sealed class RandomErasingTests
{
    // A batch of 28×28 images holding 0.5 everywhere but one pixel at 0 and one at 1, so the value range is [0, 1].
    private static Tensor Flat(int images)
    {
        var batch = new Tensor(images, 1, 28, 28);
        batch.Fill(0.5f);
        for (int n = 0; n < images; n++) (batch[n * 784], batch[n * 784 + 783]) = (0f, 1f);
        return batch;
    }

    [Fact]
    public void Erasing_fills_one_rectangle_of_2_to_40_percent_with_noise_in_the_image_range()
    {
        Tensor batch = Flat(300);
        new Augmentation(MaxShift: 0, FlipHorizontally: false, EraseProbability: 1).Apply(batch, new Random(2), new float[784]);

        var areas = new List<int>();
        for (int n = 0; n < 300; n++)
        {
            float[] image = batch.Span.Slice(n * 784, 784).ToArray();
            var changed = Enumerable.Range(1, 782).Where(i => image[i] != 0.5f).ToList();
            Assert.NotEmpty(changed); // noise equal to 0.5 everywhere is impossible in practice
            // The changed pixels lie in one rectangle (its bounding box holds almost nothing unchanged).
            int top = changed.Min(i => i / 28), bottom = changed.Max(i => i / 28), left = changed.Min(i => i % 28), right = changed.Max(i => i % 28);
            int box = (bottom - top + 1) * (right - left + 1);
            Assert.True(changed.Count >= box - 3, $"image {n}: {changed.Count} changed pixels in a {box}-pixel box");
            Assert.All(changed, i => Assert.InRange(image[i], 0f, 1f));
            areas.Add(box);
        }
        Assert.InRange(areas.Min(), 10, 40);     // 2 % of 784 is 15.7 pixels
        Assert.InRange(areas.Max(), 250, 340);   // 40 % is 313.6 (rounding of the sides adds a little)
    }

    [Fact]
    public void Erasing_happens_with_the_given_probability_and_Skip_replays_the_draws()
    {
        Tensor batch = Flat(1000);
        var random = new Random(3);
        new Augmentation(EraseProbability: 0.5).Apply(batch, random, new float[784]);
        int erased = Enumerable.Range(0, 1000).Count(n =>
        {
            ReadOnlySpan<float> image = batch.Span.Slice(n * 784, 784);
            foreach (float v in image) if (v != 0.5f && v != 0f && v != 1f) return true;
            return false;
        });
        Assert.InRange(erased, 440, 560); // 1000 draws: σ ≈ 16

        var replay = new Random(3);
        new Augmentation(EraseProbability: 0.5).Skip(replay, 1000);
        Assert.Equal(random.Next(), replay.Next());
    }

    [Fact]
    public void Standard_augmentation_shifts_flips_and_erases_half_the_images()
    {
        Assert.Equal(new Augmentation(2, true, 0.5), Augmentation.Standard);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Augmentation = new Augmentation(EraseProbability: 1.5) }.Validate());
    }

    [Fact]
    public void Describe_names_what_is_done_to_an_image()
    {
        Assert.Equal("shifts up to 2 px, horizontal flips, random erasing in 50 % of images", Augmentation.Standard.Describe());
        Assert.Equal("shifts up to 2 px, horizontal flips", new Augmentation(EraseProbability: 0).Describe());
        Assert.Equal("random erasing in 12.5 % of images", new Augmentation(0, false, 0.125).Describe());
        Assert.Equal("nothing changed", new Augmentation(0, false, 0).Describe());
    }

    [Fact]
    public void FashionResNet_brings_shifts_and_flips_without_erasing_and_the_other_presets_the_standard()
    {
        Assert.Equal(new Augmentation(2, true, 0), ModelPreset.FashionResNet.Augmentation);
        foreach (ModelPreset preset in ModelPreset.All.Where(p => p != ModelPreset.FashionResNet))
            Assert.Null(preset.Augmentation);
    }

    [Fact]
    public void FashionCnn_drops_its_dropout_for_augmented_training_and_other_presets_do_not_change()
    {
        static List<string> Layers(ModelPreset preset, bool augmented) =>
            preset.CreateNetwork(augmented: augmented).Layers.Select(l => l is Dropout d ? $"Dropout {d.Rate}" : l.GetType().Name).ToList();

        Assert.Equal(["Dropout 0.25", "Dropout 0.25", "Dropout 0.5"], Layers(ModelPreset.FashionCnn, false).Where(l => l.StartsWith("Dropout")));
        Assert.DoesNotContain(Layers(ModelPreset.FashionCnn, true), l => l.StartsWith("Dropout"));
        NeuralNetwork augmented = ModelPreset.FashionCnn.CreateNetwork(augmented: true);
        augmented.Build([1, 28, 28]);
        Assert.Equal(468_138, augmented.ParameterCount);
        foreach (ModelPreset preset in new[] { ModelPreset.SeedCnn, ModelPreset.Mlp, ModelPreset.LeNet5 })
            Assert.Equal(Layers(preset, false), Layers(preset, true));
    }
}
