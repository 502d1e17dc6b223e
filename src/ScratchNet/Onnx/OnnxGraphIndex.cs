namespace ScratchNet.Onnx;

/// <summary>
/// A read graph's values and who produces and reads them, after the checks a hostile file needs before anything walks
/// it: every node input exists (a graph input, an initializer or another node's output), no value has two producers,
/// the nodes have no cycle, and there is one real input and one output.
/// </summary>
internal sealed class OnnxGraphIndex
{
    private readonly Dictionary<string, OnnxNode> _producers = [];
    private readonly Dictionary<string, List<OnnxNode>> _consumers = [];
    private readonly Dictionary<string, OnnxTensor> _constants = [];
    private readonly Dictionary<OnnxNode, int> _order = new(ReferenceEqualityComparer.Instance);

    public OnnxGraphIndex(OnnxGraph graph)
    {
        Graph = graph;
        foreach (OnnxTensor tensor in graph.Initializers)
            if (!_constants.TryAdd(tensor.Name, tensor)) throw new OnnxImportException($"two initializers are called '{tensor.Name}'.");
        foreach (OnnxNode node in graph.Nodes)
        {
            if (node.Domain is not ("" or "ai.onnx"))
                throw new OnnxImportException($"{node.Describe()} belongs to the operator domain '{node.Domain}'; ScratchNet reads the standard ONNX operators only.");
            foreach (string output in node.Outputs.Where(o => o.Length > 0))
                if (!_producers.TryAdd(output, node) || _constants.ContainsKey(output))
                    throw new OnnxImportException($"the value '{output}' is written twice (by {node.Describe()} and another node or initializer).");
            if (node.OpType == "Constant") _constants[node.Outputs.FirstOrDefault() ?? ""] = ConstantValue(node);
        }
        // Older exporters list the initializers among the inputs as well; the real input is the one left.
        OnnxValueInfo[] inputs = graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1)
            throw new OnnxImportException($"the graph has {inputs.Length} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); a ScratchNet model takes one batch of images.");
        Input = inputs[0];
        if (graph.Outputs.Count != 1)
            throw new OnnxImportException($"the graph has {graph.Outputs.Count} outputs; a ScratchNet model gives one, the class scores.");
        Output = graph.Outputs[0].Name;

        foreach (OnnxNode node in graph.Nodes)
            foreach (string input in node.Inputs.Where(i => i.Length > 0))
            {
                if (!_producers.ContainsKey(input) && !_constants.ContainsKey(input) && input != Input.Name)
                    throw new OnnxImportException($"{node.Describe()} reads '{input}', which no node writes and which is neither an initializer nor the graph input.");
                if (!_consumers.TryGetValue(input, out var readers)) _consumers[input] = readers = [];
                if (readers.Count == 0 || !ReferenceEquals(readers[^1], node)) readers.Add(node);   // once per node (its inputs come together)
            }
        if (!_producers.ContainsKey(Output))
            throw new OnnxImportException($"the graph output '{Output}' is written by no node.");
        Sort();
    }

    /// <summary>The graph.</summary>
    public OnnxGraph Graph { get; }

    /// <summary>The graph's one input (not an initializer).</summary>
    public OnnxValueInfo Input { get; }

    /// <summary>The name of the graph's one output.</summary>
    public string Output { get; }

    /// <summary>The node writing <paramref name="value"/>, or null for the input and initializers.</summary>
    public OnnxNode? Producer(string value) => _producers.GetValueOrDefault(value);

    /// <summary>The nodes reading <paramref name="value"/>.</summary>
    public IReadOnlyList<OnnxNode> Consumers(string value) => _consumers.TryGetValue(value, out var nodes) ? nodes : [];

    /// <summary>The constant (an initializer or a Constant node's value) called <paramref name="value"/>, or null.</summary>
    public OnnxTensor? Constant(string value) => _constants.GetValueOrDefault(value);

    /// <summary>The position of <paramref name="value"/>'s producer in a topological order (−1 for the input and constants).</summary>
    public int Position(string value) => _producers.TryGetValue(value, out var node) ? _order[node] : -1;

    /// <summary>Kahn's algorithm: a node is placed once all its inputs are; nodes never placed lie on a cycle.</summary>
    private void Sort()
    {
        var waiting = new Dictionary<OnnxNode, int>(ReferenceEqualityComparer.Instance);
        var ready = new Queue<OnnxNode>();
        foreach (OnnxNode node in Graph.Nodes)
        {
            int count = node.Inputs.Count(i => _producers.ContainsKey(i));
            waiting[node] = count;
            if (count == 0) ready.Enqueue(node);
        }
        while (ready.Count > 0)
        {
            OnnxNode node = ready.Dequeue();
            _order[node] = _order.Count;
            foreach (string output in node.Outputs.Distinct())
                foreach (OnnxNode reader in Consumers(output))
                    for (int k = 0; k < reader.Inputs.Count(i => i == output); k++)
                        if (--waiting[reader] == 0) ready.Enqueue(reader);
        }
        if (_order.Count < Graph.Nodes.Count)
        {
            var cycle = Graph.Nodes.Where(n => !_order.ContainsKey(n)).Take(5).Select(n => n.Describe());
            throw new OnnxImportException($"the graph has a cycle: {string.Join(", ", cycle)} depend on each other's outputs.");
        }
    }

    private static OnnxTensor ConstantValue(OnnxNode node) =>
        node.Attribute("value")?.TensorValue is { } tensor ? tensor
        : node.Attribute("value_ints")?.IntsValue is { } ints ? OnnxTensor.Int64s(node.Outputs[0], [ints.Length], ints)
        : node.Attribute("value_float") is { } f ? new OnnxTensor(node.Outputs[0], [], [f.FloatValue])
        : throw new OnnxImportException($"{node.Describe()} has no 'value' tensor; ScratchNet reads Constant nodes with value, value_ints or value_float.");
}
