using ScratchNet.Layers;

namespace ScratchNet.Cli;

/// <summary>
/// How large a model the commands build: estimated from the layers and the input shape before anything is
/// allocated, so that a mistyped size (a spec with 10⁶ units, --input 1,4096,4096) fails at once with a clear
/// message instead of exhausting memory. The limits are far above ScratchNet's CPU-sized image models.
/// </summary>
internal static class ModelSize
{
    /// <summary>The most learnable parameters: 2²⁸, 1 GiB of weights (fashion-cnn has 0.4 million).</summary>
    public const long MaxParameters = 1L << 28;

    /// <summary>The most values all layers together output for one image: 2²⁴, 64 MiB (a batch holds this many per image).</summary>
    public const long MaxValuesPerImage = 1L << 24;

    /// <summary>
    /// The most values all layers together output for a batch whose every value is kept (gradcheck): 2²³, 32 MiB, which
    /// the checks' copies and gradients multiply by about eight.
    /// </summary>
    public const long MaxValuesPerBatch = 1L << 23;

    /// <summary>
    /// Throws a <see cref="UsageException"/> when <paramref name="layers"/> for input <paramref name="shape"/> exceed a
    /// limit; returns the values the layers output per image, the input included.
    /// </summary>
    /// <exception cref="ArgumentException">A layer cannot take its input shape (as <see cref="Layer.OutputSampleShape"/>).</exception>
    public static double Check(IReadOnlyList<Layer> layers, int[] shape)
    {
        // Doubles: int products of any size are exact enough to compare, and never overflow.
        double parameters = 0, values = Product(shape);
        int[] input = shape;
        foreach (Layer layer in layers)
        {
            int[] output = layer.OutputSampleShape(input);
            parameters += layer switch
            {
                Dense d => (Product(input) + 1) * d.Neurons,
                Conv2D c => ((double)input[0] * c.KernelHeight * c.KernelWidth + 1) * c.OutChannels,
                BatchNorm => 2.0 * input[0],
                _ => 0,
            };
            values += Product(output);
            input = output;
        }
        string at = $"for input {CliSupport.FormatShape(shape)}";
        if (parameters > MaxParameters)
            throw new UsageException($"the model would have {parameters:N0} parameters {at}, more than the {MaxParameters:N0} ScratchNet builds; use fewer units or filters, or a smaller input.");
        if (values > MaxValuesPerImage)
            throw new UsageException($"the model's layers would output {values:N0} values per image {at}, more than the {MaxValuesPerImage:N0} ScratchNet allows; use fewer filters or a smaller input.");
        return values;
    }

    private static double Product(int[] shape) => shape.Aggregate(1.0, (a, d) => a * d);
}
