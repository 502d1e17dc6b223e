using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>
/// Inverted dropout (see <see cref="DropoutOperation"/>): in training each element is zeroed with probability
/// <see cref="Rate"/> and the others are scaled by 1/(1 − rate); at inference the layer is the identity. The masks are
/// drawn from the layer's <see cref="Layer.Seed"/> (set by the network), so training runs are reproducible.
/// </summary>
public sealed class Dropout : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The probability of dropping an element, in [0, 1).</param>
    public Dropout(float rate) => Rate = DropoutOperation.ValidateRate(rate, "Dropout");

    /// <summary>The probability of dropping an element.</summary>
    public float Rate { get; }

    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random) =>
        [new DropoutOperation(Rate, Seed)];

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
}
