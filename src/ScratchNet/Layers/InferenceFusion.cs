using ScratchNet.Kernels;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Layers;

/// <summary>
/// Inference that runs a convolution and the work after it as one pass: the convolution hands each image's output,
/// still in cache, to the batch norm after it (its inference arithmetic), or to its own bias and activation, instead of
/// these reading the whole batch back from memory afterwards. The numbers are the same, bit for bit, as running the
/// operations one after the other (the same operations on the same values), which the tests check for every preset.
/// </summary>
/// <remarks>
/// Only <see cref="Training.NeuralNetwork.Infer"/> turns it on, for the duration of one call on its thread: a fused batch
/// norm does not fill the caches its backward pass reads, so <see cref="Layer.Forward"/> and
/// <c>NeuralNetwork.Forward</c>, which a backward pass may follow, never fuse. A pair fuses when the convolution has no
/// bias, no activation and no flatten (the batch norm does all three's work), and the batch norm runs as one
/// <see cref="FusedBatchNorm"/> (images; no activation, or ReLU, tanh or sigmoid). Otherwise a convolution's own
/// activation, with its bias or without, fuses when its values do not depend on how the batch is cut up (ReLU, tanh).
/// </remarks>
internal static class InferenceFusion
{
    [ThreadStatic] private static bool t_active;

    /// <summary>Whether the calling thread is inside <see cref="Training.NeuralNetwork.Infer"/>.</summary>
    public static bool Active => t_active;

    /// <summary>Runs <paramref name="body"/> with fusion on for this thread (nested calls keep it on).</summary>
    public static Tensor Run<TState>(in TState state, Func<TState, Tensor> body)
    {
        bool outer = t_active;
        t_active = true;
        try
        {
            return body(state);
        }
        finally
        {
            t_active = outer;
        }
    }

    /// <summary>
    /// Runs layer <paramref name="index"/> in inference mode, fused with the next one when they pair up; returns the
    /// output and how many layers it ran (1 or 2).
    /// </summary>
    public static (Tensor Output, int Layers) Step(IReadOnlyList<Layer> layers, int index, Tensor x)
    {
        if (layers[index] is not Conv2D convolution || !convolution.IsBuilt || x.Rank != 4 || !x.Shape[1..].SequenceEqual(convolution.InputSampleShape)
            || convolution.Operations is not [Conv2DOperation operation, ..])
            return (layers[index].Forward(x, training: false), 1);
        IReadOnlyList<Operation> operations = convolution.Operations;
        IImageEpilogue? epilogue = null;
        int ran = 1, after = 1;   // after: the first of the convolution layer's own operations still to run
        if (index + 1 < layers.Count && layers[index + 1] is BatchNorm norm && TakesBatchNorm(convolution, operation, norm) is { } fused)
            (epilogue, ran) = (fused, 2);
        else if (operations.Count > 1 && FusesPerImage(operations[1]))
            (epilogue, after) = ((IImageEpilogue)operations[1], 2);
        if (epilogue is null) return (convolution.Forward(x, training: false), 1);

        operation.InferenceEpilogue = epilogue;
        try
        {
            x = operation.Forward(x, training: false);
        }
        finally
        {
            operation.InferenceEpilogue = null;
        }
        for (int i = after; i < operations.Count; i++) x = operations[i].Forward(x, training: false);   // Linear, Flatten
        return (x, ran);
    }

    // The batch norm after a convolution with no bias, activation or flatten, when it runs as one FusedBatchNorm for the
    // convolution's channels.
    private static FusedBatchNorm? TakesBatchNorm(Conv2D convolution, Conv2DOperation operation, BatchNorm norm) =>
        norm.IsBuilt && !convolution.HasBias && !convolution.Flattens && convolution.Operations is [_, Linear]
        && norm.Operations is [FusedBatchNorm fused] && fused.Statistics.Channels == operation.Parameter.Value.Dim(0) ? fused : null;

    // The convolution layer's own activation (or bias and activation), when applying it per image gives the same bits.
    private static bool FusesPerImage(Operation operation) => operation switch
    {
        Activation { FusesPerImage: true } => true,
        BiasActivation { Activation.FusesPerImage: true } => true,
        _ => false,
    };
}
