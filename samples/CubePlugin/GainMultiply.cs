using ScratchNet;
using ScratchNet.Operations;

namespace CubePlugin;

/// <summary>
/// y[n, c, …] = g[c]·x[n, c, …] for x of [batch, channels, …] and g of [channels].
/// Backward: ∂L/∂x[n, c, …] = g[c]·∂L/∂y[n, c, …]; ∂L/∂g[c] = Σ over n and positions of ∂L/∂y[n, c, …]·x[n, c, …].
/// </summary>
public sealed class GainMultiply(Parameter gain) : ParamOperation(gain)
{
    protected override Tensor ComputeOutput(Tensor input)
    {
        Tensor output = OutputBuffer(input.Shape);
        Scale(input.Span, output.Span, input.Dim(0));
        return output;
    }

    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        Scale(outputGradient.Span, inputGradient.Span, outputGradient.Dim(0));
        return inputGradient;
    }

    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        ReadOnlySpan<float> dy = outputGradient.Span, x = Input.Span;
        Span<float> dg = Parameter.Gradient.Span;
        int channels = dg.Length, plane = x.Length / (Input.Dim(0) * channels);
        dg.Clear();
        for (int i = 0; i < x.Length; i++) dg[i / plane % channels] += dy[i] * x[i];
    }

    // to[n, c, …] = g[c]·from[n, c, …]
    private void Scale(ReadOnlySpan<float> from, Span<float> to, int batch)
    {
        ReadOnlySpan<float> g = Parameter.Value.Span;
        int plane = from.Length / (batch * g.Length);
        for (int i = 0; i < from.Length; i++) to[i] = g[i / plane % g.Length] * from[i];
    }
}
