using ScratchNet.Operations;

namespace ScratchNet.Optimizers;

/// <summary>Updates parameters from their gradients after each backward pass.</summary>
public abstract class Optimizer
{
    private float _learningRate;

    /// <summary>Creates an optimizer with learning rate <paramref name="learningRate"/>.</summary>
    protected Optimizer(float learningRate) => LearningRate = learningRate;

    /// <summary>The step size; a positive finite number.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!float.IsFinite(value) || value <= 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The learning rate must be a positive finite number, got {value}.");
            _learningRate = value;
        }
    }

    /// <summary>Applies one update to every parameter, in list order (the order must not change between steps).</summary>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        for (int i = 0; i < parameters.Count; i++)
            Update(i, parameters[i].Value.Span, parameters[i].Gradient.Span);
    }

    /// <summary>Updates parameter number <paramref name="index"/> in place from its gradient.</summary>
    protected abstract void Update(int index, Span<float> value, ReadOnlySpan<float> gradient);
}
