using ScratchNet.Kernels;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Layers;

/// <summary>
/// Inference that runs a convolution and the batch normalisation after it as one pass: the convolution hands each image's
/// output, still in cache, to the batch norm's inference arithmetic, instead of the batch norm reading the whole batch
/// back from memory afterwards. The numbers are the same, bit for bit, as running the two layers one after the other
/// (the same operations on the same values), which the tests check for every preset.
/// </summary>
/// <remarks>
/// Only <see cref="Training.NeuralNetwork.Infer"/> turns it on, for the duration of one call on its thread: a fused batch
/// norm does not fill the caches its backward pass reads, so <see cref="Layer.Forward"/> and
/// <c>NeuralNetwork.Forward</c>, which a backward pass may follow, never fuse. A pair fuses when the convolution has no
/// bias, no activation and no flatten (the batch norm does all three's work), and the batch norm runs as one
/// <see cref="FusedBatchNorm"/> (images; no activation, or ReLU, tanh or sigmoid).
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
        if (index + 1 < layers.Count && layers[index] is Conv2D convolution && layers[index + 1] is BatchNorm norm
            && Fusable(convolution, norm, out Conv2DOperation? operation, out FusedBatchNorm? epilogue))
        {
            operation.InferenceEpilogue = epilogue;
            try
            {
                return (convolution.Forward(x, training: false), 2);
            }
            finally
            {
                operation.InferenceEpilogue = null;
            }
        }
        return (layers[index].Forward(x, training: false), 1);
    }

    private static bool Fusable(Conv2D convolution, BatchNorm norm,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Conv2DOperation? operation,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FusedBatchNorm? epilogue)
    {
        operation = null;
        epilogue = null;
        if (!convolution.IsBuilt || !norm.IsBuilt || convolution.HasBias || convolution.Flattens || convolution.Activation is not Linear) return false;
        if (convolution.Operations is not [Conv2DOperation conv, Linear] || norm.Operations is not [FusedBatchNorm fused]) return false;
        // The batch norm was built for the convolution's output: the same channels.
        if (fused.Statistics.Channels != conv.Parameter.Value.Dim(0)) return false;
        (operation, epilogue) = (conv, fused);
        return true;
    }
}
