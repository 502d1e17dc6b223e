namespace ScratchNet.Operations.Activations;

/// <summary>The identity, y = x; its gradient passes through unchanged. No copy is made.</summary>
public sealed class Linear : Operation
{
    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input) => input;

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient) => outputGradient;
}
