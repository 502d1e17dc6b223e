namespace ScratchNet.Operations;

/// <summary>A learnable tensor and the gradient of the loss with respect to it.</summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter named <paramref name="name"/> holding <paramref name="value"/>.</summary>
    public Parameter(string name, Tensor value)
    {
        Name = name;
        Value = value;
        Gradient = new Tensor(value.Shape);
    }

    /// <summary>The name, e.g. "weight" or "bias"; layers prefix it with their position ("0.weight").</summary>
    public string Name { get; }

    /// <summary>The current value.</summary>
    public Tensor Value { get; }

    /// <summary>∂L/∂value from the last backward pass.</summary>
    public Tensor Gradient { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Value.ShapeText}";
}
