namespace ScratchNet.Operations;

/// <summary>
/// An operation with one learnable parameter (a weight matrix, a kernel, a bias): besides
/// ∂L/∂input its backward pass fills <see cref="Parameter.Gradient"/>.
/// </summary>
public abstract class ParamOperation : Operation
{
    /// <summary>Creates the operation around <paramref name="parameter"/>.</summary>
    protected ParamOperation(Parameter parameter)
    {
        Parameter = parameter ?? throw new ArgumentNullException(nameof(parameter));
        _parameters = [parameter];
    }

    private readonly Parameter[] _parameters;

    /// <summary>The learnable parameter.</summary>
    public Parameter Parameter { get; }

    /// <inheritdoc />
    public sealed override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    protected sealed override void ComputeParameterGradients(Tensor outputGradient) => ComputeParameterGradient(outputGradient);

    /// <summary>
    /// Writes ∂L/∂parameter into <see cref="Parameter.Gradient"/> (overwriting, not accumulating). Every parameter
    /// operation writes this one, unless it overrides <see cref="Operation.ComputeGradients"/>.
    /// </summary>
    protected virtual void ComputeParameterGradient(Tensor outputGradient) =>
        throw new NotSupportedException($"{Name} has no parameter gradient: override ComputeParameterGradient, or ComputeGradients for a fused operation.");
}
