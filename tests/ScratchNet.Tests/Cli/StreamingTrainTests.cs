using ScratchNet.Serialization;
using ScratchNet.Tests.Data;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// A training set beyond <c>--memory-budget</c> is read while training, and the run is the one an in-memory run gives,
/// bit for bit (the same images held out, the same standardisation, the same batches).
/// </summary>
public sealed class StreamingTrainTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Three classes of 12×12 colour images, 16 of each, one channel brighter per class.
    private string ColourFolder()
    {
        var random = new Random(9);
        string[] names = ["blue", "green", "red"];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 16; i++)
            {
                var chw = new byte[3 * 144];
                for (int p = 0; p < chw.Length; p++) chw[p] = (byte)(p / 144 == 2 - c ? 150 + random.Next(100) : random.Next(120));
                ImageFiles.Png(_folder.File($"photos/{names[c]}/{i:D2}.png"), chw, 3, 12, 12);
            }
        return _folder.File("photos");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void A_streamed_run_gives_the_model_of_an_in_memory_run()
    {
        string photos = ColourFolder();
        string[] common = ["train", "--data", photos, "--test-fraction", "0.25", "--validation", "6", "--augment", "--model", "seed-cnn",
                           "--epochs", "2", "--batch-size", "5", "--threads", "2"];

        var inMemory = Run([.. common, "--out", _folder.File("memory")]);
        var streamed = Run([.. common, "--memory-budget", "1K", "--out", _folder.File("stream")]);

        AssertSuccess(inMemory);
        AssertSuccess(streamed);
        Assert.DoesNotContain("read while training", inMemory.Output);
        Assert.Contains("training images read while training (they exceed the memory budget of 0 MiB)", streamed.Output);
        NeuralNetwork a = NeuralNetwork.Load(_folder.File("memory/model.safetensors")), b = NeuralNetwork.Load(_folder.File("stream/model.safetensors"));
        Assert.Equal(a.Normalization, b.Normalization);
        Assert.Equal(a.Parameters.Count, b.Parameters.Count);
        for (int i = 0; i < a.Parameters.Count; i++)
            TestData.AssertBitIdentical(a.Parameters[i].Value.Span, b.Parameters[i].Value.Span, a.Parameters[i].Name);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("lots")]
    [InlineData("-5M")]
    public void A_memory_budget_that_is_not_a_size_is_refused(string budget)
    {
        var result = Run("train", "--memory-budget", budget);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --memory-budget must be a size such as 4G, 500M or a number of bytes", result.Error);
    }
}
