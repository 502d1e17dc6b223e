using ScratchNet.Data;
using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;

namespace ScratchNet.Training;

/// <summary>
/// Layers in sequence and a loss. Forward runs the layers; <see cref="TrainBatch"/> runs forward,
/// loss and backward, leaving every parameter's gradient filled for the optimizer.
/// </summary>
public sealed class NeuralNetwork
{
    private readonly List<Parameter> _parameters = [];
    private int _threads = 1;

    /// <summary>Creates a network; layer i draws its initial weights from seed <paramref name="seed"/> + i.</summary>
    public NeuralNetwork(IEnumerable<Layer> layers, Loss loss, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Layers = layers.ToArray();
        if (Layers.Count == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Seed = seed;
        for (int i = 0; i < Layers.Count; i++)
        {
            if (Layers[i].IsBuilt) throw new ArgumentException($"Layer {i} ({Layers[i].Name}) already belongs to a built network.", nameof(layers));
            Layers[i].Seed = seed + i;
        }
        // Nobody consumes the gradient with respect to the images, so the first layer skips it.
        Layers[0].ComputesInputGradient = false;
    }

    /// <summary>The layers in forward order.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>The loss used by <see cref="TrainBatch"/>.</summary>
    public Loss Loss { get; }

    /// <summary>The seed the initial weights are drawn from.</summary>
    public int Seed { get; }

    /// <summary>The input standardisation the model was trained with (applied by the caller before <see cref="Forward"/>).</summary>
    public Standardizer? Normalization { get; set; }

    /// <summary>The class names, by output index, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; set; }

    /// <summary>The number of threads the kernels may use: 1 to <see cref="ComputeContext.MaxThreads"/>.</summary>
    public int Threads
    {
        get => _threads;
        set
        {
            var context = new ComputeContext(value);
            _threads = value;
            foreach (Layer layer in Layers) layer.Compute = context;
        }
    }

    /// <summary>True once every layer is built.</summary>
    public bool IsBuilt => Layers[^1].IsBuilt;

    /// <summary>All learnable parameters in layer order (empty until built).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>
    /// The parameters with PyTorch-style names: "{layer index}.{name}", e.g. "0.weight", and through the nesting of
    /// composite layers, e.g. "3.body.0.weight" (see <see cref="Layer.NamedParameters"/>).
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        for (int i = 0; i < Layers.Count; i++)
            foreach (var (name, p) in Layers[i].NamedParameters())
                yield return ($"{i}.{name}", p);
    }

    /// <summary>
    /// The non-trainable state (e.g. batch normalisation running statistics) with PyTorch-style names:
    /// "{layer index}.{name}", e.g. "1.running_mean" (empty until built).
    /// </summary>
    public IEnumerable<(string Name, NamedBuffer Buffer)> NamedBuffers()
    {
        for (int i = 0; i < Layers.Count; i++)
            foreach (var (name, b) in Layers[i].NamedBuffers())
                yield return ($"{i}.{name}", b);
    }

    /// <summary>
    /// The names ("{layer index}.{name}", as <see cref="NamedParameters"/> and <see cref="NamedBuffers"/> give them)
    /// and shapes of everything <see cref="Build"/> would create for samples of <paramref name="sampleShape"/>,
    /// computed without allocating any of it.
    /// </summary>
    /// <exception cref="ShapeMismatchException">A layer cannot take the shape it would receive, or a size overflows.</exception>
    public IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape)
    {
        var state = new List<(string Name, int[] Shape)>();
        int[] shape = sampleShape.ToArray();
        for (int i = 0; i < Layers.Count; i++)
        {
            foreach (var (name, tensorShape) in Layers[i].StateShapes(shape)) state.Add(($"{i}.{name}", tensorShape));
            shape = Layers[i].OutputSampleShape(shape);
        }
        return state;
    }

    /// <summary>The number of learnable values.</summary>
    public int ParameterCount => _parameters.Sum(p => p.Value.Length);

    /// <summary>Builds every layer for samples of <paramref name="sampleShape"/> without running data through.</summary>
    public void Build(ReadOnlySpan<int> sampleShape)
    {
        if (IsBuilt) return;
        int[] shape = sampleShape.ToArray();
        for (int i = 0; i < Layers.Count; i++)
        {
            try
            {
                if (!Layers[i].IsBuilt) Layers[i].Build(shape);
                shape = Layers[i].OutputSampleShape(shape);
            }
            catch (ShapeMismatchException e) { throw NameLayer(i, e); }
        }
        CollectParameters();
    }

    /// <summary>The shape of one sample of the output for samples of <paramref name="sampleShape"/>, without the batch axis.</summary>
    public int[] OutputSampleShape(ReadOnlySpan<int> sampleShape)
    {
        int[] shape = sampleShape.ToArray();
        for (int i = 0; i < Layers.Count; i++)
        {
            try { shape = Layers[i].OutputSampleShape(shape); }
            catch (ShapeMismatchException e) { throw NameLayer(i, e); }
        }
        return shape;
    }

    /// <summary>The shape error of layer <paramref name="index"/>, saying which layer it is (once).</summary>
    private ShapeMismatchException NameLayer(int index, ShapeMismatchException error) =>
        error.Message.StartsWith("Layer ", StringComparison.Ordinal)
            ? error
            : new ShapeMismatchException($"Layer {index} of {Layers.Count} ({Layers[index].GetType().Name}): " +
                (error.Message.StartsWith($"{Layers[index].GetType().Name}: ", StringComparison.Ordinal)
                    ? error.Message[(Layers[index].GetType().Name.Length + 2)..]
                    : error.Message));

    /// <summary>Runs the layers; the result belongs to the network and is overwritten by the next call.</summary>
    public Tensor Forward(Tensor input, bool training = false)
    {
        bool wasBuilt = IsBuilt;
        Tensor x = input;
        int i = 0;
        try
        {
            for (; i < Layers.Count; i++) x = Layers[i].Forward(x, training); // no enumerator: a step allocates nothing
        }
        catch (ShapeMismatchException e) { throw NameLayer(i, e); }
        if (!wasBuilt) CollectParameters();
        return LastOutput = x;
    }

    /// <summary>The output of the last <see cref="Forward"/> (owned by the network), or null before the first.</summary>
    public Tensor? LastOutput { get; private set; }

    /// <summary>Back-propagates ∂L/∂output through every layer, filling the parameter gradients.</summary>
    public void Backward(Tensor outputGradient)
    {
        Tensor? gradient = outputGradient;
        for (int i = Layers.Count - 1; i >= 0 && gradient is not null; i--)
            gradient = Layers[i].Backward(gradient);
    }

    /// <summary>
    /// The name and layer of the first parameter whose gradient holds NaN or ±∞ (e.g. "3.weight (Conv2D)"),
    /// or null when all are finite. One vectorised sum per parameter: a non-finite sum means a non-finite value
    /// (or values so large that they overflow, which is a blow-up too).
    /// </summary>
    public string? FirstNonFiniteGradient()
    {
        for (int i = 0; i < Layers.Count; i++)
            foreach (Parameter p in Layers[i].Parameters)
                if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum<float>(p.Gradient.Span)))
                    return $"{i}.{Layers[i].NamedParameters().First(n => n.Parameter == p).Name} ({Layers[i].Name})";
        return null;
    }

    /// <summary>Forward in training mode, loss, backward. Returns the loss; gradients are left in the parameters.</summary>
    public float TrainBatch(Tensor input, Tensor target)
    {
        Tensor prediction = Forward(input, training: true);
        float loss = Loss.Forward(prediction, target);
        Backward(Loss.Backward());
        return loss;
    }

    /// <summary>
    /// The outputs for <paramref name="input"/> in inference mode, the same numbers as <c>Forward(input, training: false)</c>
    /// bit for bit, in fewer passes: a convolution and the batch normalisation after it run as one (see
    /// <see cref="InferenceFusion"/>). No backward pass may follow (use <see cref="Forward"/> for saliency and the like).
    /// The result belongs to the network and is overwritten by the next call.
    /// </summary>
    public Tensor Infer(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!IsBuilt) return Forward(input, training: false);   // building needs the plain path's first pass
        return LastOutput = InferenceFusion.Run((Network: this, Input: input), static s =>
        {
            Tensor x = s.Input;
            int i = 0, ran;
            try
            {
                for (; i < s.Network.Layers.Count; i += ran) (x, ran) = InferenceFusion.Step(s.Network.Layers, i, x);
            }
            catch (ShapeMismatchException e) { throw s.Network.NameLayer(i, e); }
            return x;
        });
    }

    /// <summary>The outputs for <paramref name="input"/> in inference mode (<see cref="Infer"/>), as a new tensor the caller owns.</summary>
    public Tensor Predict(Tensor input) => Infer(input).Clone();

    private void CollectParameters()
    {
        _parameters.Clear();
        foreach (Layer layer in Layers) _parameters.AddRange(layer.Parameters);
    }
}
