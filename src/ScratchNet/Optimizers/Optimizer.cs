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

    /// <summary>
    /// The internal state (momentum buffers, moment estimates, step counts) as named arrays, so a
    /// checkpoint can carry it and a resumed run takes exactly the steps the uninterrupted one would.
    /// Empty before the first step and for stateless optimizers.
    /// </summary>
    public virtual IReadOnlyList<(string Name, float[] Values)> State => [];

    /// <summary>Restores a <see cref="State"/>; throws <see cref="ArgumentException"/> naming what is missing or mis-sized.</summary>
    public virtual void LoadState(IReadOnlyDictionary<string, float[]> state, IReadOnlyList<Parameter> parameters)
    {
    }

    /// <summary>The array called <paramref name="name"/>, which must hold <paramref name="length"/> values.</summary>
    protected static float[] StateEntry(IReadOnlyDictionary<string, float[]> state, string name, int length) =>
        !state.TryGetValue(name, out float[]? values) ? throw new ArgumentException($"The optimizer state lacks '{name}'.")
        : values.Length != length ? throw new ArgumentException($"The optimizer state '{name}' holds {values.Length} values, expected {length}.")
        : (float[])values.Clone();

    /// <summary>Updates parameter number <paramref name="index"/> in place from its gradient.</summary>
    protected abstract void Update(int index, Span<float> value, ReadOnlySpan<float> gradient);
}
