namespace ScratchNet.Operations;

/// <summary>
/// A named tensor of non-trainable state that belongs to the model and must be saved with it, such as a batch
/// normalisation's running mean (PyTorch calls these "buffers"). Optimizers never see it; the operation that owns
/// it updates it during training forward passes.
/// </summary>
public sealed class NamedBuffer
{
    /// <summary>Creates a buffer named <paramref name="name"/> holding <paramref name="value"/> (not copied).</summary>
    public NamedBuffer(string name, Tensor value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The name, e.g. "running_mean"; networks prefix it with the layer's position ("1.running_mean").</summary>
    public string Name { get; }

    /// <summary>The current value (updated in place by the owning operation).</summary>
    public Tensor Value { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Value.ShapeText}";
}
