using System.Numerics.Tensors;

namespace ScratchNet.Optimizers;

/// <summary>Plain stochastic gradient descent: θ ← θ − lr·g.</summary>
public sealed class SGD(float learningRate = 0.01f) : Optimizer(learningRate)
{
    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient) =>
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, value, value);
}
