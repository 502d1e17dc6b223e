namespace ScratchNet.Optimizers;

/// <summary>
/// Adam (Kingma and Ba), with PyTorch's semantics. For each parameter, with g the gradient plus the L2 term wd·θ:
/// m ← β₁·m + (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), θ ← θ − lr·m̂/(√v̂ + ε),
/// where t counts this parameter's steps from 1 and m, v start at zero (the bias corrections undo that start).
/// </summary>
/// <remarks>Weight decay here is coupled L2 (it goes through the moments); for decoupled decay use <see cref="AdamW"/>.</remarks>
public sealed class Adam : Optimizer
{
    private readonly AdamMoments _moments;

    /// <summary>Creates the optimizer; every argument is validated with the value received.</summary>
    /// <param name="learningRate">lr: positive and finite.</param>
    /// <param name="beta1">β₁, the decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">β₂, the decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">ε added to √v̂: positive and finite.</param>
    /// <param name="weightDecay">L2 weight decay wd ≥ 0 added to the gradient as wd·θ.</param>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(learningRate)
    {
        Beta1 = OptimizerArguments.UnitInterval(beta1, nameof(beta1), "Adam");
        Beta2 = OptimizerArguments.UnitInterval(beta2, nameof(beta2), "Adam");
        Epsilon = OptimizerArguments.Positive(epsilon, nameof(epsilon), "Adam");
        WeightDecay = OptimizerArguments.WeightDecay(weightDecay, "Adam");
        _moments = new AdamMoments(Beta1, Beta2, Epsilon);
    }

    /// <summary>β₁, the decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>The L2 weight decay added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient) =>
        _moments.Step(index, value, gradient, LearningRate, WeightDecay);

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, float[] Values)> State => _moments.State;

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, float[]> state, IReadOnlyList<Operations.Parameter> parameters) =>
        _moments.Load(state, parameters, StateEntry);
}
