using System.Numerics.Tensors;

namespace ScratchNet.Optimizers;

/// <summary>
/// SGD with momentum, in PyTorch's form: v ← μ·v + g, θ ← θ − lr·v (v starts at zero).
/// With a constant rate this equals the notebook's v ← μ·v + lr·g, θ ← θ − v.
/// </summary>
public sealed class SGDMomentum : Optimizer
{
    private readonly List<float[]> _velocities = [];

    /// <summary>Creates the optimizer; <paramref name="momentum"/> must lie in [0, 1).</summary>
    public SGDMomentum(float learningRate = 0.01f, float momentum = 0.9f) : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"Momentum must be in [0, 1), got {momentum}.");
        Momentum = momentum;
    }

    /// <summary>The momentum μ.</summary>
    public float Momentum { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        if (index == _velocities.Count) _velocities.Add(new float[value.Length]);
        Span<float> velocity = _velocities[index];
        TensorPrimitives.MultiplyAdd(velocity, Momentum, gradient, velocity);
        TensorPrimitives.MultiplyAdd(velocity, -LearningRate, value, value);
    }
}
