using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;

namespace CubePlugin;

/// <summary>y = x³, dy/dx = 3x² (the README's example operation), named "cube" in model files.</summary>
[ScratchNetLayer("cube")]
public sealed class Cube : Activation
{
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i] * x[i];
    }

    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = 3 * x[i] * x[i] * dy[i];
    }
}
