namespace ScratchNet.Operations;

/// <summary>Turns [batch, d1, d2, …] into [batch, d1·d2·…] (no copy: row-major data is already in that order).</summary>
public sealed class FlattenOperation : Operation
{
    private Tensor? _output, _inputGradient;

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input) =>
        ReshapeCached(ref _output, input, input.Dim(0), input.SampleLength);

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient) =>
        ReshapeCached(ref _inputGradient, outputGradient, Input.Shape);

    // A reshaped view allocates a small Tensor object; keep it while the data array and shape stay the same.
    private static Tensor ReshapeCached(ref Tensor? cache, Tensor source, params ReadOnlySpan<int> shape)
    {
        if (cache is null || cache.Buffer != source.Buffer || !cache.HasShape(shape))
            cache = source.Reshape(shape);
        return cache;
    }
}
