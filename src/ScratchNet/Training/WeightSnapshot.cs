namespace ScratchNet.Training;

/// <summary>A copy of every parameter and buffer of a network, to put back later (the best epoch's weights).</summary>
internal sealed class WeightSnapshot
{
    private readonly List<float[]> _values = [];

    public bool IsEmpty => _values.Count == 0;

    public void Take(NeuralNetwork network)
    {
        int i = 0;
        foreach (Tensor t in State(network))
        {
            if (i == _values.Count) _values.Add(new float[t.Length]);
            t.Span.CopyTo(_values[i++]);
        }
    }

    public void Restore(NeuralNetwork network)
    {
        int i = 0;
        foreach (Tensor t in State(network)) _values[i++].CopyTo(t.Span);
    }

    private static IEnumerable<Tensor> State(NeuralNetwork network) =>
        network.Parameters.Select(p => p.Value).Concat(network.NamedBuffers().Select(b => b.Buffer.Value));
}
