using ScratchNet.Kernels;

namespace ScratchNet.Operations;

/// <summary>
/// One step of a network: <see cref="Forward"/> caches its input and returns an output,
/// <see cref="Backward"/> takes ∂L/∂output and returns ∂L/∂input.
/// </summary>
/// <remarks>
/// To add an operation, write <see cref="ComputeOutput"/> and <see cref="ComputeInputGradient"/>
/// (plus the parameter gradient for a <see cref="ParamOperation"/>), then check them with
/// <see cref="ScratchNet.Training.GradientChecker"/>. A fused operation, whose gradients share their work, writes
/// its whole backward pass in <see cref="ComputeGradients"/> instead. Shapes are checked here, so subclasses can trust them.
/// The tensor returned by <see cref="Forward"/> and <see cref="Backward"/> belongs to the operation
/// and is overwritten by the next call: copy it if you need to keep it.
/// </remarks>
public abstract class Operation
{
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _outputBuffer;
    private Tensor? _inputGradientBuffer;

    /// <summary>A short name used in error messages, e.g. "Conv2D".</summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// Whether <see cref="Backward"/> must return ∂L/∂input. The first operation of a network
    /// has nobody to pass it to, so the network turns it off there.
    /// </summary>
    public bool ComputesInputGradient { get; set; } = true;

    /// <summary>The threads the kernels of this operation may use.</summary>
    public ComputeContext Compute { get; set; } = ComputeContext.SingleThreaded;

    /// <summary>The input of the last <see cref="Forward"/>.</summary>
    protected Tensor Input => _input ?? throw new InvalidOperationException($"{Name}: Backward was called before Forward.");

    /// <summary>The output of the last <see cref="Forward"/>.</summary>
    protected Tensor Output => _output ?? throw new InvalidOperationException($"{Name}: Backward was called before Forward.");

    /// <summary>
    /// Non-trainable state the operation keeps and a model file must save (e.g. running statistics); empty for most
    /// operations. The list and its tensors must exist from construction on.
    /// </summary>
    public virtual IReadOnlyList<NamedBuffer> Buffers => [];

    /// <summary>The learnable parameters, in a fixed order: none for most operations, one for a <see cref="ParamOperation"/>.</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Whether the last <see cref="Forward"/> ran in training mode.</summary>
    protected bool Training { get; private set; }

    /// <summary>Computes the output for <paramref name="input"/> and remembers both for the backward pass.</summary>
    public Tensor Forward(Tensor input, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        Training = training;
        OperationProfile? profile = OperationProfile.Active;
        long start = profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        _output = ComputeOutput(input);
        profile?.Add(this, backward: false, start);
        return _output;
    }

    /// <summary>
    /// Takes ∂L/∂output (the shape of the last output) and returns ∂L/∂input (the shape of the
    /// last input), or null when <see cref="ComputesInputGradient"/> is off.
    /// </summary>
    public Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        EnsureSameShape("output gradient", Output, outputGradient);
        OperationProfile? profile = OperationProfile.Active;
        long start = profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        Tensor? inputGradient = ComputeGradients(outputGradient);
        profile?.Add(this, backward: true, start);
        if (!ComputesInputGradient) return null;
        if (inputGradient is null) throw new InvalidOperationException($"{Name}: the backward pass returned no input gradient.");
        EnsureSameShape("input gradient", Input, inputGradient);
        return inputGradient;
    }

    /// <summary>The forward pass: the output for <paramref name="input"/> (<see cref="Training"/> says which mode).</summary>
    protected abstract Tensor ComputeOutput(Tensor input);

    /// <summary>
    /// The whole backward pass: fills every parameter's gradient and returns ∂L/∂input (null when
    /// <see cref="ComputesInputGradient"/> is off). By default <see cref="ComputeParameterGradients"/>, then
    /// <see cref="ComputeInputGradient"/>. A fused operation, whose gradients share their work (one trip through
    /// ∂L/∂output for both), overrides this one method and writes the pass here, so that it is read in one place.
    /// </summary>
    protected virtual Tensor? ComputeGradients(Tensor outputGradient)
    {
        ComputeParameterGradients(outputGradient);
        return ComputesInputGradient ? ComputeInputGradient(outputGradient) : null;
    }

    /// <summary>
    /// ∂L/∂input from ∂L/∂output, using the cached <see cref="Input"/> and <see cref="Output"/>. Every operation
    /// writes this one, unless it overrides <see cref="ComputeGradients"/>.
    /// </summary>
    protected virtual Tensor ComputeInputGradient(Tensor outputGradient) =>
        throw new NotSupportedException($"{Name} has no backward pass: override ComputeInputGradient, or ComputeGradients for a fused one.");

    /// <summary>Fills the parameter gradients; nothing for operations without parameters.</summary>
    protected virtual void ComputeParameterGradients(Tensor outputGradient)
    {
    }

    /// <summary>A reusable tensor for the output (kept across calls so training does not allocate).</summary>
    protected Tensor OutputBuffer(params ReadOnlySpan<int> shape) => Tensor.Reuse(ref _outputBuffer, shape);

    /// <summary>A reusable tensor for ∂L/∂input, shaped like the cached input.</summary>
    protected Tensor InputGradientBuffer() => Tensor.Reuse(ref _inputGradientBuffer, Input.Shape);

    /// <summary>Throws an exception naming this operation and both shapes when they differ.</summary>
    protected void EnsureSameShape(string what, Tensor expected, Tensor actual)
    {
        if (!actual.HasShape(expected.Shape))
            throw new ShapeMismatchException(
                $"{Name}: the {what} has shape {actual.ShapeText}, expected {expected.ShapeText}.");
    }
}
