using ScratchNet.Kernels;

namespace ScratchNet.Operations;

/// <summary>
/// The matrix product of a dense layer: input X is [batch, in], weight W is [out, in]
/// (PyTorch's layout), output Y = X·Wᵀ is [batch, out].
/// </summary>
/// <remarks>
/// Backward: ∂L/∂X = ∂L/∂Y · W  ([batch, out]·[out, in]) and ∂L/∂W = (∂L/∂Y)ᵀ · X  ([out, batch]·[batch, in]).
/// </remarks>
public sealed class WeightMultiply(Parameter weight) : ParamOperation(weight)
{
    private int Outputs => Parameter.Value.Dim(0);
    private int Inputs => Parameter.Value.Dim(1);

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        if (input.Rank != 2 || input.Dim(1) != Inputs)
            throw new ShapeMismatchException(
                $"{Name}: weight of shape {Parameter.Value.ShapeText} expects input [batch, {Inputs}], but got {input.ShapeText}.");
        int batch = input.Dim(0);
        Tensor output = OutputBuffer(batch, Outputs);
        // Y[N,O] = X[N,I]·Wᵀ[I,O]
        Gemm.Multiply(Compute, false, true, batch, Outputs, Inputs, 1f,
            input.Span, Inputs, Parameter.Value.Span, Inputs, 0f, output.Span, Outputs);
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        // dX[N,I] = dY[N,O]·W[O,I]
        Gemm.Multiply(Compute, false, false, Input.Dim(0), Inputs, Outputs, 1f,
            outputGradient.Span, Outputs, Parameter.Value.Span, Inputs, 0f, inputGradient.Span, Inputs);
        return inputGradient;
    }

    /// <inheritdoc />
    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        // dW[O,I] = dYᵀ[O,N]·X[N,I]
        Gemm.Multiply(Compute, true, false, Outputs, Inputs, Input.Dim(0), 1f,
            outputGradient.Span, Outputs, Input.Span, Inputs, 0f, Parameter.Gradient.Span, Inputs);
    }
}
