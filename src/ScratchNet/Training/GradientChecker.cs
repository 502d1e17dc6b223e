using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;

namespace ScratchNet.Training;

/// <summary>How closely one analytic gradient matched central differences.</summary>
/// <param name="Name">"input" or the parameter's name.</param>
/// <param name="RelativeError">‖analytic − numeric‖ / max(‖analytic‖ + ‖numeric‖, <see cref="GradientChecker.NormFloor"/>) over the checked entries.</param>
/// <param name="MaxAbsoluteError">The largest |analytic − numeric| over the checked entries.</param>
/// <param name="Checked">How many entries were compared.</param>
public sealed record GradientError(string Name, double RelativeError, double MaxAbsoluteError, int Checked);

/// <summary>The result of a gradient check: one <see cref="GradientError"/> per checked tensor.</summary>
/// <param name="Errors">The per-tensor errors.</param>
public sealed record GradientCheckReport(IReadOnlyList<GradientError> Errors)
{
    /// <summary>The worst relative error.</summary>
    public double MaxRelativeError => Errors.Count == 0 ? 0 : Errors.Max(e => e.RelativeError);

    /// <summary>True when every relative error is at most <paramref name="tolerance"/>.</summary>
    public bool Passed(double tolerance = GradientChecker.DefaultTolerance) => MaxRelativeError <= tolerance;

    /// <inheritdoc />
    public override string ToString() =>
        string.Join("; ", Errors.Select(e => $"{e.Name}: relative {e.RelativeError:E2}, max abs {e.MaxAbsoluteError:E2} over {e.Checked}"));
}

/// <summary>
/// Verifies hand-written backward passes numerically. The checker turns the output y into a scalar
/// L = Σᵢ rᵢ·yᵢ with fixed random weights r (so every output element matters), takes the analytic
/// gradients from one backward pass with ∂L/∂y = r, and compares each with the central difference
/// (L(θ + ε) − L(θ − ε)) / 2ε, L summed in double.
/// </summary>
/// <remarks>
/// The engine computes in float32, so a difference quotient carries a round-off error of about
/// 1e-7·|L|/ε on top of the O(ε²) truncation error; with ε = 1e-2 and inputs of order 1 the two
/// balance near 1e-4 relative, hence the default tolerance of 1e-3 (a wrong gradient scores near 1).
/// Non-smooth points (ReLU at 0, ties in max-pooling) must be avoided by the caller's inputs.
/// </remarks>
public static class GradientChecker
{
    /// <summary>The default relative tolerance for float32 operations (see remarks).</summary>
    public const double DefaultTolerance = 1e-3;

    /// <summary>
    /// Gradients whose norms add up to less than this are judged by absolute error: relative error is
    /// ‖analytic − numeric‖ / max(‖analytic‖ + ‖numeric‖, <see cref="NormFloor"/>).
    /// </summary>
    public const double NormFloor = 1e-3;

    /// <summary>Checks the input gradient and the parameter gradients (if any) of <paramref name="operation"/>.</summary>
    public static GradientCheckReport Check(Operation operation, Tensor input, float epsilon = 1e-2f, int maxEntries = 256, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(operation);
        IReadOnlyList<Parameter> parameters = operation.Parameters;
        return CheckFunction(
            x => operation.Forward(x, training: true),
            g => operation.Backward(g),
            input, parameters.Select(p => (p.Name, p)), operation.ComputesInputGradient, epsilon, maxEntries, seed);
    }

    /// <summary>
    /// Checks the input gradient and every parameter gradient of <paramref name="layer"/> (built on first use), naming
    /// the parameters through the nesting of a composite layer ("body.0.weight").
    /// </summary>
    public static GradientCheckReport Check(Layer layer, Tensor input, float epsilon = 1e-2f, int maxEntries = 256, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (!layer.IsBuilt) layer.Build(input.Shape[1..]);
        // A block may hold dropout: every evaluation must see the same mask, so draw it once and freeze it.
        var dropouts = layer.Operations.OfType<DropoutOperation>().ToList();
        if (dropouts.Count > 0) layer.Forward(input, training: true);
        foreach (DropoutOperation d in dropouts) d.FreezeMask = true;
        try
        {
            return CheckFunction(
                x => layer.Forward(x, training: true),
                g => layer.Backward(g),
                input, layer.NamedParameters(), layer.ComputesInputGradient, epsilon, maxEntries, seed);
        }
        finally
        {
            foreach (DropoutOperation d in dropouts) d.FreezeMask = false;
        }
    }

    /// <summary>Checks every parameter gradient of a whole network through its loss.</summary>
    public static GradientCheckReport Check(NeuralNetwork network, Tensor input, Tensor target, float epsilon = 1e-2f, int maxEntries = 256, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Build(input.Shape[1..]);
        var errors = new List<GradientError>();
        // Every difference quotient runs the network again in training mode: dropout must keep its mask and
        // batch norm's running statistics must not drift, so freeze the one and restore the other afterwards.
        var buffers = network.NamedBuffers().Select(b => (b.Buffer.Value, Saved: b.Buffer.Value.Span.ToArray())).ToList();
        var dropouts = network.Layers.SelectMany(l => l.Operations).OfType<DropoutOperation>().ToList();
        network.TrainBatch(input, target);
        foreach (DropoutOperation d in dropouts) d.FreezeMask = true;
        foreach (var (name, parameter) in network.NamedParameters())
        {
            float[] analytic = parameter.Gradient.Span.ToArray();
            errors.Add(Compare(name, parameter.Value.Span.Length, analytic, i => Perturb(parameter.Value, i, epsilon,
                () => network.Loss.Forward(network.Forward(input, training: true), target)), maxEntries, seed));
        }
        foreach (DropoutOperation d in dropouts) d.FreezeMask = false;
        foreach (var (value, saved) in buffers) saved.CopyTo(value.Span);
        return new GradientCheckReport(errors);
    }

    /// <summary>Checks ∂loss/∂prediction of <paramref name="loss"/>.</summary>
    public static GradientCheckReport Check(Loss loss, Tensor prediction, Tensor target, float epsilon = 1e-2f, int maxEntries = 256, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(loss);
        loss.Forward(prediction, target);
        float[] analytic = loss.Backward().Span.ToArray();
        return new GradientCheckReport([Compare("prediction", prediction.Length, analytic,
            i => Perturb(prediction, i, epsilon, () => loss.Forward(prediction, target)), maxEntries, seed)]);
    }

    private static GradientCheckReport CheckFunction(
        Func<Tensor, Tensor> forward, Func<Tensor, Tensor?> backward, Tensor input,
        IEnumerable<(string Name, Parameter Parameter)> parameters, bool checkInput, float epsilon, int maxEntries, int seed)
    {
        Tensor output = forward(input);
        var weights = new Tensor(output.Shape);
        var random = new Random(seed);
        foreach (ref float w in weights.Span) w = (float)(random.NextDouble() * 2 - 1);
        Func<double> scalar = () => Dot(forward(input), weights);

        Tensor? inputGradient = backward(weights);
        var errors = new List<GradientError>();
        if (checkInput && inputGradient is not null)
        {
            float[] analytic = inputGradient.Span.ToArray();
            errors.Add(Compare("input", input.Length, analytic, i => Perturb(input, i, epsilon, scalar), maxEntries, seed));
        }
        foreach (var (name, parameter) in parameters)
        {
            float[] analytic = parameter.Gradient.Span.ToArray();
            errors.Add(Compare(name, parameter.Value.Length, analytic,
                i => Perturb(parameter.Value, i, epsilon, scalar), maxEntries, seed));
        }
        return new GradientCheckReport(errors);
    }

    // (f(θᵢ + ε) − f(θᵢ − ε)) / 2ε, restoring θᵢ afterwards.
    private static double Perturb(Tensor tensor, int index, float epsilon, Func<double> f)
    {
        float original = tensor[index];
        tensor[index] = original + epsilon;
        double plus = f();
        tensor[index] = original - epsilon;
        double minus = f();
        tensor[index] = original;
        return (plus - minus) / (2.0 * epsilon);
    }

    private static GradientError Compare(string name, int length, float[] analytic, Func<int, double> numeric, int maxEntries, int seed)
    {
        IEnumerable<int> indices = length <= maxEntries ? Enumerable.Range(0, length) : Sample(length, maxEntries, seed);
        double difference = 0, normA = 0, normN = 0, maxAbs = 0;
        int count = 0;
        foreach (int i in indices)
        {
            double n = numeric(i), a = analytic[i], d = a - n;
            difference += d * d;
            normA += a * a;
            normN += n * n;
            maxAbs = Math.Max(maxAbs, Math.Abs(d));
            count++;
        }
        // Below a gradient norm of NormFloor the comparison is in absolute terms: an exactly zero gradient
        // (a dense layer fed zeros) against the difference quotient's round-off would otherwise score 1.
        double denominator = Math.Max(Math.Sqrt(normA) + Math.Sqrt(normN), NormFloor);
        return new GradientError(name, Math.Sqrt(difference) / denominator, maxAbs, count);
    }

    private static int[] Sample(int length, int count, int seed)
    {
        var random = new Random(seed);
        int[] all = Enumerable.Range(0, length).ToArray();
        random.Shuffle(all);
        return all[..count];
    }

    private static double Dot(Tensor a, Tensor b)
    {
        double sum = 0;
        ReadOnlySpan<float> x = a.Span, y = b.Span;
        for (int i = 0; i < x.Length; i++) sum += (double)x[i] * y[i];
        return sum;
    }
}
