namespace ScratchNet.Serialization;

/// <summary>
/// Names an operation or layer of your own for model files and specifications: <c>[ScratchNetLayer("cube")]</c> on a
/// class deriving from <see cref="Operations.Operation"/> (used as an activation, <c>"activation": "cube"</c>) or from
/// <see cref="Layers.Layer"/> (a layer entry, <c>{"type": "cube"}</c>). <see cref="LayerRegistry.Register{T}"/> registers
/// one class; <see cref="LayerRegistry.RegisterAll"/>, and <c>scratchnet --plugin FILE.dll</c>, every marked class of an assembly.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ScratchNetLayerAttribute(string name) : Attribute
{
    /// <summary>The name model files use for the class (letters, digits, '_', '-' and '.', starting with a letter; case is ignored).</summary>
    public string Name { get; } = name;
}
