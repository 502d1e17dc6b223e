using ScratchNet.Cli;
using ScratchNet.Layers;

namespace ScratchNet.Tests.Cli;

/// <summary>Models too large to build are refused from their shapes alone, before any weight is allocated.</summary>
public sealed class ModelSizeTests
{
    [Fact]
    public void Check_ManyParameters_RefusedWithTheCount()
    {
        // 4096·4096 inputs × 128 units: 2.1 billion weights, 8 GB.
        var e = Assert.Throws<UsageException>(() => ModelSize.Check([new Flatten(), new Dense(128)], [1, 4096, 4096]));
        Assert.Contains("2,147,483,776 parameters", e.Message);
    }

    [Fact]
    public void Check_ManyValuesPerImage_Refused()
    {
        // 1000 filters of a 256×256 image: 65 million values per image, few weights.
        var e = Assert.Throws<UsageException>(() => ModelSize.Check([new Conv2D(1000, 3)], [1, 256, 256]));
        Assert.Contains("values per image", e.Message);
    }

    [Fact]
    public void Check_IntMaxUnits_RefusedWithoutOverflow()
    {
        var e = Assert.Throws<UsageException>(() => ModelSize.Check([new Flatten(), new Dense(int.MaxValue)], [1, 28, 28]));
        Assert.Contains("parameters", e.Message);
    }

    [Fact]
    public void Check_Presets_Pass()
    {
        foreach (var preset in ScratchNet.Models.ModelPreset.All)
            Assert.True(ModelSize.Check(preset.CreateNetwork().Layers, [1, 28, 28]) < ModelSize.MaxValuesPerImage);
    }
}
