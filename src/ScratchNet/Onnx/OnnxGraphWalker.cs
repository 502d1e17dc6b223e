namespace ScratchNet.Onnx;

/// <summary>
/// Recovers the layer structure of a checked graph (<see cref="OnnxGraphIndex"/>) by walking back from the output: a
/// node with one computed input is a step of a chain; an Add of two computed values is a residual block and a Concat a
/// concatenation, whose paths are walked back to the value they fork from (the latest value both depend on). Every
/// node may be walked once: a graph that is not a chain of such blocks (a value used by two unrelated nodes) is refused.
/// </summary>
internal sealed class OnnxGraphWalker(OnnxGraphIndex index)
{
    private readonly HashSet<OnnxNode> _visited = new(ReferenceEqualityComparer.Instance);

    /// <summary>The nodes walked so far.</summary>
    public IReadOnlySet<OnnxNode> Visited => _visited;

    /// <summary>Counts <paramref name="node"/> as walked (the normalisation's nodes, which come before the walk's start).</summary>
    public void MarkWalked(OnnxNode node) => Visit(node);

    /// <summary>How deeply blocks may nest (a residual block inside a concatenation's branch inside …); deeper is refused, not recursed into.</summary>
    public const int MaxNesting = 64;

    /// <summary>The steps that compute <paramref name="value"/> from <paramref name="start"/>, in forward order.</summary>
    public List<OnnxStep> Walk(string value, string start, int depth = 0)
    {
        if (depth > MaxNesting)
            throw new OnnxImportException($"the graph nests residual sums or concatenations more than {MaxNesting} deep; ScratchNet reads flatter models.");
        var steps = new List<OnnxStep>();
        while (value != start)
        {
            OnnxNode node = index.Producer(value) ?? throw new OnnxImportException(value == index.Input.Name
                ? $"a path reaches the graph input '{value}' without passing the value its block starts from; ScratchNet expresses only chains of layers, residual sums and concatenations."
                : $"a path reaches the constant '{value}' where a computed value was expected.");
            Visit(node);
            string[] computed = node.Inputs.Where(i => i.Length > 0 && index.Constant(i) is null).ToArray();
            switch (node.OpType)
            {
                case "Add" when computed.Length == 2:
                {
                    string fork = Fork(node, computed);
                    // The body is the path with layers; PyTorch writes "out + identity", but "identity + out" is the same sum.
                    bool swap = computed[0] == fork;
                    var body = Walk(computed[swap ? 1 : 0], fork, depth + 1);
                    var shortcut = Walk(computed[swap ? 0 : 1], fork, depth + 1);
                    if (body.Count == 0) throw new OnnxImportException($"{node.Describe()} adds the value '{fork}' to itself; a residual block needs layers on one path.");
                    steps.Add(new ResidualStep(body, shortcut, node));
                    value = fork;
                    break;
                }
                case "Concat":
                {
                    if (computed.Length != node.Inputs.Length || computed.Length < 2)
                        throw new OnnxImportException($"{node.Describe()} joins constants or fewer than two values; ScratchNet's Concat joins two or more computed branches.");
                    string fork = Fork(node, computed);
                    steps.Add(new ConcatStep(computed.Select(c => (IReadOnlyList<OnnxStep>)Walk(c, fork, depth + 1)).ToArray(), node));
                    value = fork;
                    break;
                }
                case "Mul":
                    value = Gelu(node);
                    steps.Add(new GeluStep(node));
                    break;
                case "Gelu":
                    steps.Add(new GeluStep(node));
                    value = node.Inputs[0];
                    break;
                default:
                    steps.Add(new NodeStep(node));
                    // Add of a constant (a bias after MatMul) reads its computed operand; every other node reads its first input.
                    value = node.OpType == "Add" && computed.Length == 1 ? computed[0]
                        : node.Inputs.Length > 0 ? node.Inputs[0] : throw new OnnxImportException($"{node.Describe()} has no input.");
                    break;
            }
        }
        steps.Reverse();
        return steps;
    }

    private void Visit(OnnxNode node)
    {
        if (!_visited.Add(node))
            throw new OnnxImportException($"{node.Describe()} is reached from two places: its output feeds paths that do not join in one residual Add or Concat, " +
                                          "which ScratchNet's layers cannot express.");
    }

    // The latest value (in topological order) that every path depends on: where the block's paths fork. Values are
    // taken latest first, each carrying the paths that reach it; a value is only taken once everything later is, so
    // the first one all paths reach is the fork, found without looking at the graph before the block.
    private string Fork(OnnxNode join, string[] paths)
    {
        var reachedBy = new Dictionary<string, HashSet<int>>();
        var queue = new PriorityQueue<string, int>();
        for (int p = 0; p < paths.Length; p++) Reach(paths[p], [p]);
        while (queue.TryDequeue(out string? value, out _))
        {
            if (reachedBy[value].Count == paths.Length) return value;
            if (index.Producer(value) is { } node)
                foreach (string input in node.Inputs)
                    if (input.Length > 0 && index.Constant(input) is null) Reach(input, reachedBy[value]);
        }
        throw new OnnxImportException($"the inputs of {join.Describe()} do not start from one common value.");

        void Reach(string value, IEnumerable<int> by)
        {
            if (!reachedBy.TryGetValue(value, out var set))
            {
                reachedBy[value] = set = [];
                queue.Enqueue(value, -index.Position(value));
            }
            set.UnionWith(by);
        }
    }

    // 0.5·x·(1 + erf(x/√2)) as PyTorch's exporter and ScratchNet's write it: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5),
    // the three factors in any order. Returns x; marks the inner nodes as walked.
    private string Gelu(OnnxNode outer)
    {
        var factors = new List<string>();
        var nodes = new List<OnnxNode>();
        foreach (string input in outer.Inputs)
            if (index.Producer(input) is { OpType: "Mul" } inner && index.Consumers(input).Count == 1 && index.Constant(input) is null)
            {
                factors.AddRange(inner.Inputs);
                nodes.Add(inner);
            }
            else factors.Add(input);
        string? half = factors.FirstOrDefault(f => IsScalar(f, 0.5f));
        OnnxNode? add = factors.Select(f => index.Producer(f)).FirstOrDefault(n => n is { OpType: "Add" } && n.Inputs.Any(i => IsScalar(i, 1f)));
        OnnxNode? erf = add is null ? null : add.Inputs.Select(index.Producer).FirstOrDefault(n => n is { OpType: "Erf" });
        OnnxNode? div = erf is null ? null : index.Producer(erf.Inputs[0]) is { OpType: "Div" } d && d.Inputs.Length == 2 && IsScalar(d.Inputs[1], MathF.Sqrt(2f), 1e-5f) ? d : null;
        if (factors.Count != 3 || half is null || add is null || div is null || !factors.Contains(div.Inputs[0]))
            throw new OnnxImportException($"{outer.Describe()}: ScratchNet reads Mul only as part of exact GELU, 0.5·x·(1 + erf(x/√2)).");
        foreach (OnnxNode node in nodes.Concat([add, erf!, div])) Visit(node);
        return div.Inputs[0];
    }

    private bool IsScalar(string value, float expected, float tolerance = 1e-6f) =>
        index.Constant(value) is { Count: 1, Integers: null } c && Math.Abs(c.Values[0] - expected) <= tolerance;
}
