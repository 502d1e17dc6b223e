using ScratchNet.Kernels;
using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>
/// A group of operations with a user-facing meaning (a dense layer is a weight product, a bias and an
/// activation). A layer builds itself from the shape of its first input and then pins that shape:
/// later inputs must match it, except in the batch size.
/// </summary>
public abstract class Layer
{
    private readonly List<Operation> _operations = [];
    private readonly List<Parameter> _parameters = [];
    private readonly List<NamedBuffer> _buffers = [];
    private int[]? _sampleShape;
    private ComputeContext _compute = ComputeContext.SingleThreaded;
    private bool _computesInputGradient = true;
    private WeightInit _weightInit = WeightInit.Glorot;

    /// <summary>The seed for the initial weights; the network sets it from its own seed and the layer's position.</summary>
    public int Seed { get; set; }

    /// <summary>How the initial weights are drawn; set on a block, it applies to every layer inside it.</summary>
    public WeightInit WeightInit
    {
        get => _weightInit;
        set
        {
            _weightInit = value;
            foreach (var (_, child) in Children) child.WeightInit = value;
        }
    }

    /// <summary>True once the layer has seen its first input and created its operations and parameters.</summary>
    public bool IsBuilt => _sampleShape is not null;

    /// <summary>The shape of one input sample (without the batch axis), once built.</summary>
    public ReadOnlySpan<int> InputSampleShape => _sampleShape;

    /// <summary>The operations, in forward order (empty until built).</summary>
    public IReadOnlyList<Operation> Operations => _operations;

    /// <summary>The learnable parameters (empty until built).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>
    /// The non-trainable state of the operations, such as a batch normalisation's "running_mean" and "running_var"
    /// (empty until built, and for most layers). Saved with the model; never updated by an optimizer.
    /// </summary>
    public IReadOnlyList<NamedBuffer> Buffers => _buffers;

    /// <summary>A short name for tables and error messages.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Whether the first operation must produce ∂L/∂input (off for a network's first layer).</summary>
    public bool ComputesInputGradient
    {
        get => _computesInputGradient;
        set
        {
            _computesInputGradient = value;
            ApplyComputesInputGradient(value);
        }
    }

    /// <summary>The threads this layer's kernels may use.</summary>
    public ComputeContext Compute
    {
        get => _compute;
        set
        {
            _compute = value ?? throw new ArgumentNullException(nameof(value));
            foreach (Operation op in _operations) op.Compute = value;
            foreach (var (_, child) in Children) child.Compute = value;
        }
    }

    /// <summary>
    /// The layers this layer holds, each with its path relative to this one ("body.0", "branches.1.0"); empty for a
    /// plain layer. A composite layer's <see cref="Operations"/>, <see cref="Parameters"/> and <see cref="Buffers"/>
    /// are its children's, in this order, followed by its own.
    /// </summary>
    public virtual IReadOnlyList<(string Path, Layer Layer)> Children => [];

    /// <summary>
    /// The parameters with names that follow the nesting, like a PyTorch state dict: "weight" for a plain layer,
    /// "body.0.weight" inside a <see cref="Residual"/>. Same order as <see cref="Parameters"/>.
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters() => Named(_parameters, p => p.Name, l => l.NamedParameters());

    /// <summary>The buffers with names that follow the nesting (see <see cref="NamedParameters"/>), in the order of <see cref="Buffers"/>.</summary>
    public IEnumerable<(string Name, NamedBuffer Buffer)> NamedBuffers() => Named(_buffers, b => b.Name, l => l.NamedBuffers());

    // A plain layer's own names, or each child's names under the child's path.
    private IEnumerable<(string, T)> Named<T>(List<T> own, Func<T, string> name, Func<Layer, IEnumerable<(string, T)>> nested) =>
        Children.Count == 0 ? own.Select(x => (name(x), x))
            : Children.SelectMany(c => nested(c.Layer).Select(n => ($"{c.Path}.{n.Item1}", n.Item2)));

    /// <summary>Runs the operations in order; builds the layer on the first call.</summary>
    public Tensor Forward(Tensor input, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2)
            throw new ShapeMismatchException($"{Name}: expected a batch [batch, ...], but got an input of shape {input.ShapeText}.");
        if (_sampleShape is null) Build(input.Shape[1..]);
        else if (!input.Shape[1..].SequenceEqual(_sampleShape))
            throw new ShapeMismatchException(
                $"{Name}: was built for inputs [batch, {string.Join(", ", _sampleShape)}], but got {input.ShapeText}.");
        return ForwardCore(input, training);
    }

    /// <summary>Runs the backward passes in reverse order; returns ∂L/∂input, or null when it is not computed.</summary>
    public Tensor? Backward(Tensor outputGradient) => BackwardCore(outputGradient);

    /// <summary>The forward pass once the input shape is checked: the operations in order (a composite layer routes through its children).</summary>
    protected virtual Tensor ForwardCore(Tensor input, bool training)
    {
        Tensor x = input;
        for (int i = 0; i < _operations.Count; i++) x = _operations[i].Forward(x, training);
        return x;
    }

    /// <summary>The backward pass: ∂L/∂input from ∂L/∂output, or null when it is not computed.</summary>
    protected virtual Tensor? BackwardCore(Tensor outputGradient)
    {
        Tensor? gradient = outputGradient;
        for (int i = _operations.Count - 1; i >= 0 && gradient is not null; i--)
            gradient = _operations[i].Backward(gradient);
        return gradient;
    }

    /// <summary>Creates the operations and parameters for samples of <paramref name="sampleShape"/>.</summary>
    public void Build(ReadOnlySpan<int> sampleShape)
    {
        if (IsBuilt) throw new InvalidOperationException($"{Name} is already built.");
        var random = new Random(Seed);
        try
        {
            _operations.AddRange(CreateOperations(sampleShape, random));
        }
        catch (OverflowException)
        {
            throw TooLarge(sampleShape);
        }
        foreach (Operation op in _operations)
        {
            op.Compute = _compute;
            _parameters.AddRange(op.Parameters);
            _buffers.AddRange(op.Buffers);
        }
        ApplyComputesInputGradient(_computesInputGradient);
        _sampleShape = sampleShape.ToArray();
    }

    /// <summary>The shape of one output sample for an input sample of <paramref name="sampleShape"/>.</summary>
    public int[] OutputSampleShape(ReadOnlySpan<int> sampleShape)
    {
        int[] shape = new int[sampleShape.Length + 1];
        shape[0] = 1;
        sampleShape.CopyTo(shape.AsSpan(1));
        try
        {
            return ComputeOutputShape(shape)[1..];
        }
        catch (OverflowException)
        {
            throw TooLarge(sampleShape);
        }
    }

    /// <summary>
    /// The names and shapes of the parameters and buffers that <see cref="Build"/> would create for samples of
    /// <paramref name="sampleShape"/>, in any order, computed without allocating them: a model file's tensors are
    /// compared with these before a single weight exists.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The layer cannot take samples of that shape.</exception>
    public virtual IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape) => [];

    // Shape arithmetic is checked: a size that does not fit an int is an error naming the layer, never a wrap-around.
    private ShapeMismatchException TooLarge(ReadOnlySpan<int> sampleShape) =>
        new($"{Name}: an input of [batch, {string.Join(", ", sampleShape.ToArray())}] gives a size beyond {int.MaxValue:N0} values, more than a tensor can hold.");

    /// <summary>
    /// Tells the operations that receive the layer's input whether to produce ∂L/∂input: the first operation of a plain
    /// layer; a composite layer tells the first layer of each of its paths.
    /// </summary>
    protected virtual void ApplyComputesInputGradient(bool value)
    {
        if (_operations.Count > 0) _operations[0].ComputesInputGradient = value;
    }

    /// <summary>Creates the operations, in forward order, for samples of <paramref name="sampleShape"/>.</summary>
    protected abstract IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random);

    /// <summary>The output shape for a batch of <paramref name="inputShape"/>, without running the layer.</summary>
    protected abstract int[] ComputeOutputShape(int[] inputShape);
}
