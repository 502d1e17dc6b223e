using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Data;

/// <summary>Streaming gives the in-memory batches bit for bit, reads only a few batches ahead, and reports bad images.</summary>
public sealed class StreamingImageSetTests
{
    /// <summary>An image source over an in-memory set of raw pixels, with optional jitter, a failing index and a read log.</summary>
    private sealed class FakeSource(ImageDataset raw, int failAt = -1, bool jitter = false) : IImageSource
    {
        private int _reads;
        public int Reads => Volatile.Read(ref _reads);
        public int Count => raw.Count;
        public IReadOnlyList<int> ImageShape => raw.SampleShape;
        public IReadOnlyList<string> ClassNames => raw.ClassNames;
        public IReadOnlyList<int> Labels => raw.Labels;
        public string Describe(int index) => $"image {index}";

        public void Read(int index, Span<float> destination)
        {
            Interlocked.Increment(ref _reads);
            if (index == failAt) throw new DataFormatException(Describe(index), "it is corrupt (test).");
            if (jitter) Thread.Sleep(index % 3); // readers finish out of order
            raw.Images.Span.Slice(index * destination.Length, destination.Length).CopyTo(destination);
        }
    }

    // 3-channel 5×4 images with pixel values 0..255 and 3 classes.
    private static ImageDataset RawColour(int count, int seed)
    {
        var random = new Random(seed);
        var images = new Tensor(count, 3, 5, 4);
        foreach (ref float v in images.Span) v = random.Next(256);
        return new ImageDataset(images, Enumerable.Range(0, count).Select(i => (i * 7) % 3).ToArray(), ["r", "g", "b"]);
    }

    [Theory]
    [InlineData(1, 1, 7, 0)]
    [InlineData(2, 2, 8, 0)]
    [InlineData(3, 4, 5, 3)]
    [InlineData(2, 1, 64, 0)] // one batch holds everything
    public void A_pass_gives_the_in_memory_batches_bit_for_bit(int readers, int prefetch, int batchSize, int firstBatch)
    {
        ImageDataset raw = RawColour(37, 1);
        Standardizer standardizer = Standardizer.Fit(raw.Images);
        ImageDataset inMemory = standardizer.Apply(raw);
        var streaming = new StreamingImageSet(new FakeSource(raw, jitter: true), standardizer, readers, prefetch);
        int[] order = Enumerable.Range(0, raw.Count).ToArray();
        new Random(5).Shuffle(order);

        using IBatchPass expected = inMemory.BeginPass(order, batchSize, firstBatch), actual = streaming.BeginPass(order, batchSize, firstBatch);
        int batches = (raw.Count + batchSize - 1) / batchSize - firstBatch;
        for (int b = 0; b < batches; b++)
        {
            var (x, y) = expected.Next();
            var (sx, sy) = actual.Next();
            Assert.Equal(x.ShapeText, sx.ShapeText);
            TestData.AssertBitIdentical(x.Span, sx.Span, $"images of batch {b}");
            TestData.AssertBitIdentical(y.Span, sy.Span, $"targets of batch {b}");
        }
        Assert.Throws<InvalidOperationException>(() => actual.Next());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Training_on_a_stream_gives_the_same_weights_as_training_in_memory(int threads)
    {
        ImageDataset raw = RawColour(60, 2), rawValidation = RawColour(20, 3);
        Standardizer standardizer = Standardizer.Fit(raw.Images);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 4, Augmentation = Augmentation.Standard };

        float[] Train(IBatchSource train, IBatchSource validation)
        {
            var network = new NeuralNetwork([new Conv2D(4, 3, activation: new ReLU(), flatten: true), new Dense(3)], new SoftmaxCrossEntropy(), 1) { Threads = threads };
            new Trainer(network, new Adam()).Fit(train, validation, options);
            return network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray();
        }

        float[] inMemory = Train(standardizer.Apply(raw), standardizer.Apply(rawValidation));
        float[] streamed = Train(new StreamingImageSet(new FakeSource(raw, jitter: true), standardizer),
                                 new StreamingImageSet(new FakeSource(rawValidation), standardizer));
        TestData.AssertBitIdentical(inMemory, streamed, "weights");
    }

    [Fact]
    public void Readers_stay_a_bounded_number_of_batches_ahead()
    {
        ImageDataset raw = RawColour(200, 4);
        var source = new FakeSource(raw);
        var streaming = new StreamingImageSet(source, null, readerThreads: 2, prefetchBatches: 3);
        using IBatchPass pass = streaming.BeginPass(Enumerable.Range(0, raw.Count).ToArray(), 10);
        pass.Next();
        Thread.Sleep(200); // give the readers every chance to run ahead
        // The batch held plus three ahead: at most 4 batches of 10 images read.
        Assert.InRange(source.Reads, 10, 40);
        pass.Next();
        Thread.Sleep(100);
        Assert.InRange(source.Reads, 20, 50);
    }

    [Fact]
    public void A_bad_image_surfaces_from_the_batch_that_needs_it()
    {
        ImageDataset raw = RawColour(30, 5);
        var streaming = new StreamingImageSet(new FakeSource(raw, failAt: 17), null, readerThreads: 2);
        using IBatchPass pass = streaming.BeginPass(Enumerable.Range(0, raw.Count).ToArray(), 10);
        pass.Next();
        var e = Assert.Throws<DataFormatException>(() => { pass.Next(); pass.Next(); });
        Assert.Contains("image 17", e.Message);
    }

    [Fact]
    public async Task Disposing_a_pass_midway_stops_its_readers()
    {
        ImageDataset raw = RawColour(100, 6);
        var streaming = new StreamingImageSet(new FakeSource(raw, jitter: true), null, readerThreads: 3, prefetchBatches: 2);
        var pass = streaming.BeginPass(Enumerable.Range(0, raw.Count).ToArray(), 5);
        pass.Next();
        var disposing = Task.Run(pass.Dispose);
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(10)))); // else a reader is stuck
    }

    [Fact]
    public void The_standardizer_must_match_the_channels()
    {
        var e = Assert.Throws<ArgumentException>(() => new StreamingImageSet(new FakeSource(RawColour(3, 7)), new Standardizer(0, 1)));
        Assert.Contains("1 channel(s) but the images have 3", e.Message);
    }
}
