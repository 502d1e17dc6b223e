using ScratchNet;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Serialization;

namespace CubePlugin;

/// <summary>
/// A layer with a learned gain per channel (per feature after a dense layer), named "channel_gain" in model files:
/// <c>{"type": "channel_gain", "initial_gain": 0.5}</c>. <see cref="InitialGain"/> is a setting: a public property with
/// init, saved with the model and set again when it is loaded.
/// </summary>
[ScratchNetLayer("channel_gain")]
public sealed class ChannelGain : Layer
{
    /// <summary>The value every gain starts at.</summary>
    public float InitialGain { get; init; } = 1f;

    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        var gain = new Parameter("gain", new Tensor(sampleShape[0]));
        gain.Value.Span.Fill(InitialGain);
        return [new GainMultiply(gain)];
    }

    // Loading checks a file's tensors against these before it allocates any: every parameter, with its shape.
    public override IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape) => [("gain", [sampleShape[0]])];

    protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
}
