using ScratchNet.Operations;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Onnx;

/// <summary>
/// Restores what ONNX does not keep of a ScratchNet model — dropout layers, block nesting, a flatten fused into a
/// convolution, "same" or "valid" padding by name, batch-norm momentum, the loss — from the model specification that
/// <see cref="OnnxExporter"/> writes into the metadata. The graph stays the authority: the specification is used only
/// when its parameters have the graph's shapes, in the graph's order, and its outputs equal the graph's on a random batch.
/// </summary>
internal static class OnnxArchitectureHint
{
    /// <summary>The network the specification describes, with <paramref name="imported"/>'s weights, or <paramref name="imported"/> itself.</summary>
    public static NeuralNetwork Apply(NeuralNetwork imported, string specification, List<string> notes)
    {
        int[] sample = imported.Layers[0].InputSampleShape.ToArray();
        if (sample.Aggregate(1L, (a, d) => a * d) > MaxCheckedValues)
        {
            notes.Add("the images are too large to check the ScratchNet architecture in the file's metadata against the graph; the layers follow the graph.");
            return imported;
        }
        NeuralNetwork restored;
        try
        {
            var (layers, loss) = ModelSpec.Parse(specification, "the ONNX file's metadata");
            restored = new NeuralNetwork(layers, loss, imported.Seed);
            // Counted before anything is allocated: metadata asking for more weights than the graph holds is not built.
            var shapes = restored.StateShapes(sample);
            if (shapes.Count != State(imported).Count || shapes.Sum(s => s.Shape.Aggregate(1L, (a, d) => a * d)) != State(imported).Sum(t => (long)t.Length))
            {
                notes.Add("the ScratchNet architecture in the file's metadata does not have the graph's weights; the layers follow the graph.");
                return imported;
            }
            restored.Build(sample);
        }
        catch (Exception e) when (e is ModelFileException or ArgumentException or ShapeMismatchException or FormatException)
        {
            notes.Add($"the ScratchNet architecture in the file's metadata cannot be used ({e.Message}); the layers follow the graph.");
            return imported;
        }
        var from = State(imported);
        var to = State(restored);
        if (from.Count != to.Count || from.Zip(to).Any(p => !p.First.Shape.SequenceEqual(p.Second.Shape)))
        {
            notes.Add("the ScratchNet architecture in the file's metadata does not have the graph's weights; the layers follow the graph.");
            return imported;
        }
        foreach (var (source, target) in from.Zip(to)) source.Span.CopyTo(target.Span);
        if (!SameOutputs(imported, restored, sample))
        {
            notes.Add("the ScratchNet architecture in the file's metadata computes something else than the graph; the layers follow the graph.");
            return imported;
        }
        restored.Normalization = imported.Normalization;
        restored.ClassNames = imported.ClassNames;
        return restored;
    }

    /// <summary>The largest image (values) the check runs on: 4M values, a 3×1182×1182 photo; larger ones would cost memory a file cannot justify.</summary>
    private const long MaxCheckedValues = 1 << 22;

    private static List<Tensor> State(NeuralNetwork network) =>
        [.. network.NamedParameters().Select(p => p.Parameter.Value), .. network.NamedBuffers().Select(b => b.Buffer.Value)];

    // Both networks on the same seeded batch of two standardised-looking images, within 1e-5 (relative above 1).
    private static bool SameOutputs(NeuralNetwork a, NeuralNetwork b, int[] sample)
    {
        var random = new Random(17);
        int length = sample.Aggregate(1, (x, d) => x * d);
        var values = new float[2 * length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 4 - 2);
        var input = new Tensor(values, [2, .. sample]);
        ReadOnlySpan<float> x = a.Predict(input).Span, y = b.Predict(input).Span;
        if (x.Length != y.Length) return false;
        for (int i = 0; i < x.Length; i++)
            if (!(Math.Abs(x[i] - y[i]) <= 1e-5 * Math.Max(1, Math.Abs(x[i])))) return false;
        return true;
    }
}
