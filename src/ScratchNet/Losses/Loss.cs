using ScratchNet.Operations;

namespace ScratchNet.Losses;

/// <summary>
/// A loss compares predictions with targets of the same shape, returns a number, and gives
/// ∂loss/∂prediction for the backward pass.
/// </summary>
public abstract class Loss
{
    private Tensor? _prediction, _target, _gradient;

    /// <summary>A short name for messages.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>The prediction of the last <see cref="Forward"/>.</summary>
    protected Tensor Prediction => _prediction ?? throw new InvalidOperationException($"{Name}: Backward was called before Forward.");

    /// <summary>The target of the last <see cref="Forward"/>.</summary>
    protected Tensor Target => _target ?? throw new InvalidOperationException($"{Name}: Backward was called before Forward.");

    /// <summary>Computes the loss of <paramref name="prediction"/> against <paramref name="target"/> and caches both.</summary>
    public float Forward(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.HasShape(prediction.Shape))
            throw new ShapeMismatchException(
                $"{Name}: the target has shape {target.ShapeText}, but the prediction has shape {prediction.ShapeText}; they must match.");
        if (prediction.Rank < 1 || prediction.Dim(0) == 0)
            throw new ShapeMismatchException($"{Name}: the prediction {prediction.ShapeText} holds no samples.");
        _prediction = prediction;
        _target = target;
        return ComputeLoss(prediction, target);
    }

    /// <summary>∂loss/∂prediction for the last <see cref="Forward"/> (a buffer owned by the loss).</summary>
    public Tensor Backward()
    {
        Tensor gradient = Tensor.Reuse(ref _gradient, Prediction.Shape);
        ComputeGradient(Prediction, Target, gradient);
        return gradient;
    }

    /// <summary>The loss value.</summary>
    protected abstract float ComputeLoss(Tensor prediction, Tensor target);

    /// <summary>Writes ∂loss/∂prediction into <paramref name="gradient"/>.</summary>
    protected abstract void ComputeGradient(Tensor prediction, Tensor target, Tensor gradient);
}
