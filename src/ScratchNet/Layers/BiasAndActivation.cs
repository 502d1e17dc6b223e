using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Layers;

/// <summary>How layers end: a bias and then an activation, fused into one operation when that is possible.</summary>
internal static class BiasAndActivation
{
    /// <summary>
    /// The operation(s) computing activation(x + bias): one <see cref="BiasActivation"/> for an element-wise
    /// activation, else a <see cref="BiasAdd"/> followed by the activation (the identity, or softmax, which mixes a row).
    /// </summary>
    public static IEnumerable<Operation> Create(Parameter bias, Operation activation) => activation switch
    {
        Activation elementWise => [new BiasActivation(bias, elementWise)],
        _ => [new BiasAdd(bias), activation],
    };
}
