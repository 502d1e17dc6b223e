using System.Numerics.Tensors;

namespace ScratchNet.Optimizers;

/// <summary>
/// Plain stochastic gradient descent: θ ← θ − lr·g. With weight decay wd (L2, PyTorch's form) the gradient becomes
/// g + wd·θ, i.e. θ ← θ − lr·(g + wd·θ).
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates the optimizer without weight decay.</summary>
    public SGD(float learningRate = 0.01f) : this(learningRate, 0f)
    {
    }

    /// <summary>Creates the optimizer with L2 weight decay <paramref name="weightDecay"/> (finite, ≥ 0).</summary>
    public SGD(float learningRate, float weightDecay) : base(learningRate)
    {
        WeightDecay = OptimizerArguments.WeightDecay(weightDecay, "SGD");
    }

    /// <summary>The L2 weight decay wd added to the gradient as wd·θ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        // θ − lr·(g + wd·θ) = θ·(1 − lr·wd) − lr·g.
        if (WeightDecay != 0) TensorPrimitives.Multiply(value, 1f - LearningRate * WeightDecay, value);
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, value, value);
    }
}
