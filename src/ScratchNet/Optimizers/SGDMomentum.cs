using ScratchNet.Operations;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ScratchNet.Optimizers;

/// <summary>
/// SGD with momentum, in PyTorch's form: v ← μ·v + g, θ ← θ − lr·v (v starts at zero).
/// With a constant rate this equals the notebook's v ← μ·v + lr·g, θ ← θ − v.
/// </summary>
/// <remarks>
/// Options, as in PyTorch's SGD: weight decay wd replaces g by g + wd·θ before everything else; Nesterov momentum
/// steps with g + μ·v (the new v) instead of v: θ ← θ − lr·(g + μ·v).
/// </remarks>
public sealed class SGDMomentum : Optimizer
{
    private readonly List<float[]> _velocities = [];

    /// <summary>Creates the optimizer; <paramref name="momentum"/> must lie in [0, 1).</summary>
    public SGDMomentum(float learningRate = 0.01f, float momentum = 0.9f) : this(learningRate, momentum, 0f, false)
    {
    }

    /// <summary>Creates the optimizer with weight decay and, optionally, Nesterov momentum.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="momentum">μ in [0, 1); positive when <paramref name="nesterov"/> is on.</param>
    /// <param name="weightDecay">L2 weight decay wd ≥ 0 (g ← g + wd·θ).</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public SGDMomentum(float learningRate, float momentum, float weightDecay, bool nesterov = false) : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"Momentum must be in [0, 1), got {momentum}.");
        if (nesterov && momentum == 0)
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"SGDMomentum: Nesterov momentum needs a positive momentum, got {momentum}.");
        Momentum = momentum;
        WeightDecay = OptimizerArguments.WeightDecay(weightDecay, "SGDMomentum");
        Nesterov = nesterov;
    }

    /// <summary>The momentum μ.</summary>
    public float Momentum { get; }

    /// <summary>The L2 weight decay wd added to the gradient as wd·θ.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the step uses Nesterov momentum (g + μ·v instead of v).</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        if (index == _velocities.Count) _velocities.Add(new float[value.Length]);
        Span<float> velocity = _velocities[index];
        // v ← μ·v + g (+ wd·θ).
        TensorPrimitives.MultiplyAdd(velocity, Momentum, gradient, velocity);
        if (WeightDecay != 0) TensorPrimitives.MultiplyAdd(value, WeightDecay, velocity, velocity);
        if (!Nesterov)
        {
            TensorPrimitives.MultiplyAdd(velocity, -LearningRate, value, value);
            return;
        }
        // θ ← θ − lr·(g + wd·θ + μ·v) = θ·(1 − lr·wd) − lr·g − lr·μ·v (θ scaled first: the decay uses the old θ).
        if (WeightDecay != 0) TensorPrimitives.Multiply(value, 1f - LearningRate * WeightDecay, value);
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, value, value);
        TensorPrimitives.MultiplyAdd(velocity, -LearningRate * Momentum, value, value);
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, float[] Values)> State =>
        _velocities.Select((v, i) => ($"velocity.{i}", v)).ToArray();

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, float[]> state, IReadOnlyList<Parameter> parameters)
    {
        _velocities.Clear();
        if (state.Count == 0) return;
        for (int i = 0; i < parameters.Count; i++) _velocities.Add(StateEntry(state, $"velocity.{i}", parameters[i].Value.Length));
    }
}
