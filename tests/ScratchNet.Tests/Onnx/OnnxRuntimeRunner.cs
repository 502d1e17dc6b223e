using Microsoft.ML.OnnxRuntime;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Onnx;
using ScratchNet.Training;

namespace ScratchNet.Tests.Onnx;

/// <summary>Runs exported models in ONNX Runtime and compares them with ScratchNet's own predictions.</summary>
internal static class OnnxRuntimeRunner
{
    /// <summary>The first output of <paramref name="session"/> for a batch <paramref name="input"/> of <paramref name="shape"/>.</summary>
    public static float[] Run(InferenceSession session, float[] input, int[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape.Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [value], session.OutputNames);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Exports <paramref name="network"/> to bytes.</summary>
    public static byte[] Export(NeuralNetwork network, OnnxExportOptions? options = null)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(network, stream, options);
        return stream.ToArray();
    }

    /// <summary>A batch of random raw pixels (whole numbers 0–255), as images are read.</summary>
    public static float[] RawPixels(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = random.Next(256);
        return values;
    }

    /// <summary>
    /// Gives every bias, batch-norm scale and running statistic random values, so that a mistake in how they are
    /// exported changes the outputs (fresh layers have zero biases, unit scales and statistics 0 and 1).
    /// </summary>
    public static void Randomize(NeuralNetwork network, int seed)
    {
        var random = new Random(seed);
        foreach (Layer layer in network.Layers) Randomize(layer, random);
    }

    private static void Randomize(Layer layer, Random random)
    {
        foreach (var (_, child) in layer.Children) Randomize(child, random);
        if (layer.Children.Count > 0) return;
        foreach (var (name, parameter) in layer.NamedParameters())
            if (name == "bias" || layer is BatchNorm)
                Fill(parameter.Value.Span, random, name == "weight" ? 0.5f : -0.5f, 1f);
        foreach (var (name, buffer) in layer.NamedBuffers())
            Fill(buffer.Value.Span, random, name == "running_var" ? 0.5f : -0.5f, 1f);
    }

    private static void Fill(Span<float> values, Random random, float low, float width)
    {
        for (int i = 0; i < values.Length; i++) values[i] = low + width * random.NextSingle();
    }

    /// <summary>
    /// Exports <paramref name="network"/> (built, with its normalisation) and asserts that ONNX Runtime on raw pixels gives
    /// ScratchNet's <see cref="NeuralNetwork.Predict"/> on the standardised pixels, within 1e-4 (relative above 1),
    /// for two different batch sizes through the same session (the batch dimension is symbolic).
    /// </summary>
    public static void AssertMatches(NeuralNetwork network, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        using var session = new InferenceSession(Export(network, options));
        int[] sample = network.Layers[0].InputSampleShape.ToArray();
        foreach (int batch in new[] { 5, 2 })
        {
            int[] shape = [batch, .. sample];
            float[] raw = RawPixels(shape.Aggregate(1, (a, d) => a * d), seed: batch);
            float[] onnx = Run(session, raw, shape);

            var standardised = new Tensor((float[])raw.Clone(), shape);
            if (options.IncludeNormalization && network.Normalization is not null) network.Normalization.ApplyInPlace(standardised);
            float[] expected = network.Predict(standardised).Span.ToArray();
            if (options.Probabilities) expected = Softmax(expected, expected.Length / batch);

            Assert.Equal(expected.Length, onnx.Length);
            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
                worst = Math.Max(worst, Math.Abs(onnx[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i])));
            Assert.True(worst <= 1e-4, $"batch {batch}: largest difference {worst:G3} from ScratchNet's outputs");
            Assert.Contains(expected, v => Math.Abs(v) > 1e-3);   // a network that outputs zeros would match anything
        }
    }

    private static float[] Softmax(float[] logits, int width)
    {
        var result = new float[logits.Length];
        for (int row = 0; row < logits.Length; row += width)
        {
            double max = logits.AsSpan(row, width).ToArray().Max(), sum = 0;
            for (int j = 0; j < width; j++) sum += Math.Exp(logits[row + j] - max);
            for (int j = 0; j < width; j++) result[row + j] = (float)(Math.Exp(logits[row + j] - max) / sum);
        }
        return result;
    }

    /// <summary>The index of the largest value (the first of equals).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>A standardiser with a different mean and std per channel.</summary>
    public static Standardizer Standardizer(int channels) =>
        new(Enumerable.Range(0, channels).Select(c => 70f + 20f * c).ToArray(), Enumerable.Range(0, channels).Select(c => 80f + 10f * c).ToArray());
}
