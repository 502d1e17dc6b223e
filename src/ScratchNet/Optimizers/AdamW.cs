namespace ScratchNet.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter), with PyTorch's semantics: decoupled weight decay θ ← θ − lr·wd·θ, then the
/// <see cref="Adam"/> step on the plain gradient (the decay does not enter the moments).
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly AdamMoments _moments;

    /// <summary>Creates the optimizer; every argument is validated with the value received.</summary>
    /// <param name="learningRate">lr: positive and finite.</param>
    /// <param name="beta1">β₁, the decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">β₂, the decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">ε added to √v̂: positive and finite.</param>
    /// <param name="weightDecay">Decoupled weight decay wd ≥ 0 (PyTorch's default 0.01).</param>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(learningRate)
    {
        Beta1 = OptimizerArguments.UnitInterval(beta1, nameof(beta1), "AdamW");
        Beta2 = OptimizerArguments.UnitInterval(beta2, nameof(beta2), "AdamW");
        Epsilon = OptimizerArguments.Positive(epsilon, nameof(epsilon), "AdamW");
        WeightDecay = OptimizerArguments.WeightDecay(weightDecay, "AdamW");
        _moments = new AdamMoments(Beta1, Beta2, Epsilon);
    }

    /// <summary>β₁, the decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>The decoupled weight decay: each step first multiplies θ by 1 − lr·wd.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        if (WeightDecay != 0)
            System.Numerics.Tensors.TensorPrimitives.Multiply(value, 1f - LearningRate * WeightDecay, value);
        _moments.Step(index, value, gradient, LearningRate, 0f);
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, float[] Values)> State => _moments.State;

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, float[]> state, IReadOnlyList<Operations.Parameter> parameters) =>
        _moments.Load(state, parameters, StateEntry);
}
