namespace ScratchNet.Training;

/// <summary>Copies every parameter and buffer of a network into a list of arrays and back (the best epoch's weights).</summary>
internal static class WeightSnapshot
{
    public static void Take(NeuralNetwork network, List<float[]> into)
    {
        int i = 0;
        foreach (Tensor t in State(network))
        {
            if (i == into.Count) into.Add(new float[t.Length]);
            t.Span.CopyTo(into[i++]);
        }
    }

    public static void Restore(NeuralNetwork network, List<float[]> from)
    {
        int i = 0;
        foreach (Tensor t in State(network)) from[i++].CopyTo(t.Span);
    }

    private static IEnumerable<Tensor> State(NeuralNetwork network) =>
        network.Parameters.Select(p => p.Value).Concat(network.NamedBuffers().Select(b => b.Buffer.Value));
}
