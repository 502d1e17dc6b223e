using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace ScratchNet.Bench.Torch;

/// <summary>
/// Computes one golden case of each kind with PyTorch's engine in float64 and adds its tensors to the fixture (names:
/// <see cref="GoldenFixture"/>). Every case draws its values from its own seeded <see cref="Random"/>, rounded to float32.
/// </summary>
public sealed class GoldenCaseWriter(GoldenWriter fixture)
{
    private int _seed;

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A convolution y = conv2d(x, weight) + bias; weight [out, C/groups, KH, KW].</summary>
    public void Conv(string name, long[] input, long outChannels, (long H, long W) kernel, (long H, long W) stride, string padding, long groups, bool bias,
        string activation = "none", bool flatten = false)
    {
        fixture.Case(name, $"op=conv2d;out={outChannels};kernel={kernel.H},{kernel.W};stride={stride.H},{stride.W};padding={padding};groups={groups};" +
            $"bias={(bias ? "true" : "false")};activation={activation};flatten={(flatten ? "true" : "false")}");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        long fanIn = input[1] / groups * kernel.H * kernel.W;
        TorchTensor x = Draw(random, input, -1, 1);
        TorchTensor weight = Draw(random, [outChannels, input[1] / groups, kernel.H, kernel.W], -1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn));
        TorchTensor? b = bias ? Draw(random, [outChannels], -0.5, 0.5) : null;
        TorchTensor y;
        var (top, bottom, left, right) = GoldenCases.Pads(padding, input, kernel, stride);
        if (padding == "same" && stride == (1, 1))
        {
            // PyTorch's own padding='same' (a module option only); the module's parameters take the drawn values.
            var conv = nn.Conv2d(input[1], outChannels, (kernel.H, kernel.W), padding: Padding.Same, bias: bias, groups: groups, dtype: ScalarType.Float64);
            using (torch.no_grad())
            {
                conv.weight!.copy_(weight);
                conv.bias?.copy_(b!);
            }
            (weight, b) = (conv.weight!, conv.bias);
            y = conv.call(x);
        }
        else if (top == bottom && left == right)
            y = F.conv2d(x, weight, b, strides: [stride.H, stride.W], padding: [top, left], groups: groups);
        else
            y = F.conv2d(F.pad(x, [left, right, top, bottom]), weight, b, strides: [stride.H, stride.W], groups: groups);
        y = GoldenCases.Activate(activation, y);
        if (flatten) y = y.flatten(1);
        var parameters = new List<(string, TorchTensor)> { ("weight", weight) };
        if (b is not null) parameters.Add(("bias", b));
        Finish(name, random, x, y, parameters);
    }

    /// <summary>Batch norm over axis 1, then <paramref name="activation"/>; running statistics start away from 0 and 1.</summary>
    public void BatchNorm(string name, long[] input, double momentum, double epsilon, bool training, string activation)
    {
        fixture.Case(name, $"op=batchnorm;momentum={Text(momentum)};epsilon={Text(epsilon)};training={(training ? "true" : "false")};activation={activation}");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        long channels = input[1];
        TorchTensor x = Draw(random, input, -1.5, 2.5);
        TorchTensor weight = Draw(random, [channels], 0.5, 1.5), bias = Draw(random, [channels], -0.5, 0.5);
        TorchTensor runningMean = Draw(random, [channels], -0.5, 0.5, grad: false), runningVar = Draw(random, [channels], 0.5, 2, grad: false);
        fixture.Add(name, "running_mean", runningMean);
        fixture.Add(name, "running_var", runningVar);
        TorchTensor normalised = F.batch_norm(x, runningMean, runningVar, weight, bias, training, momentum, epsilon);
        TorchTensor y = GoldenCases.Activate(activation, normalised);
        Finish(name, random, x, y, [("weight", weight), ("bias", bias)]);
        fixture.Add(name, "after/running_mean", runningMean);   // batch_norm updated them in place (training only)
        fixture.Add(name, "after/running_var", runningVar);
    }

    /// <summary>Max or average pooling ("maxpool", "avgpool"); asymmetric padding goes through F.pad (−∞ or 0).</summary>
    /// <remarks>With <paramref name="ties"/> the inputs are −1, 0 or 1, so most windows hold several maxima.</remarks>
    public void Pool(string name, string kind, long[] input, (long H, long W) window, (long H, long W) stride, string padding, bool ties = false)
    {
        fixture.Case(name, $"op={kind};kernel={window.H},{window.W};stride={stride.H},{stride.W};padding={padding}");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        TorchTensor x = ties ? Levels(random, input) : Draw(random, input, -1, 1);
        var (top, bottom, left, right) = GoldenCases.Pads(padding, input, window, stride);
        bool max = kind == "maxpool";
        TorchTensor padded = x;
        long[] symmetric = [top, left];
        if (top != bottom || left != right)
        {
            padded = F.pad(x, [left, right, top, bottom], PaddingModes.Constant, max ? double.NegativeInfinity : 0);
            symmetric = [0, 0];
        }
        TorchTensor y = max
            ? F.max_pool2d(padded, [window.H, window.W], [stride.H, stride.W], symmetric)
            : F.avg_pool2d(padded, [window.H, window.W], [stride.H, stride.W], symmetric, count_include_pad: true);
        Finish(name, random, x, y, []);
    }

    /// <summary>The mean of each channel plane: [N, C, H, W] → [N, C].</summary>
    public void GlobalAveragePool(string name, long[] input)
    {
        fixture.Case(name, "op=global_avgpool");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        TorchTensor x = Draw(random, input, -1, 1);
        Finish(name, random, x, x.mean([2, 3]), []);
    }

    /// <summary>y = activation(x·weightᵀ + bias), weight [out, in].</summary>
    public void Dense(string name, long[] input, long outputs, bool bias, string activation)
    {
        fixture.Case(name, $"op=dense;out={outputs};bias={(bias ? "true" : "false")};activation={activation}");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        double limit = 1 / Math.Sqrt(input[1]);
        TorchTensor x = Draw(random, input, -1, 1);
        TorchTensor weight = Draw(random, [outputs, input[1]], -limit, limit);
        TorchTensor? b = bias ? Draw(random, [outputs], -0.5, 0.5) : null;
        TorchTensor y = GoldenCases.Activate(activation, F.linear(x, weight, b));
        var parameters = new List<(string, TorchTensor)> { ("weight", weight) };
        if (b is not null) parameters.Add(("bias", b));
        Finish(name, random, x, y, parameters);
    }

    /// <summary>An activation on [4, 10] values in ±[0.05, 4].</summary>
    public void Activation(string name, string activation)
    {
        fixture.Case(name, $"op=activation;activation={activation}");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        var values = new double[40];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((random.Next(2) == 0 ? -1 : 1) * (0.05 + 3.95 * random.NextDouble()));
        TorchTensor x = torch.tensor(values, [4, 10], ScalarType.Float64, requires_grad: true);
        Finish(name, random, x, GoldenCases.Activate(activation, x), []);
    }

    /// <summary>Softmax cross-entropy averaged over the batch, against one-hot or soft (probability) targets.</summary>
    public void CrossEntropy(string name, long batch, long classes, bool soft, double scale)
    {
        fixture.Case(name, "op=softmax_cross_entropy");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        TorchTensor logits = Draw(random, [batch, classes], -scale, scale);
        TorchTensor target, loss;
        if (soft)
        {
            target = Draw(random, [batch, classes], 0.05, 1, grad: false);
            target = Round(target / target.sum(1, keepdim: true));
            loss = F.cross_entropy(logits, target);
        }
        else
        {
            var labels = new long[batch];
            for (int n = 0; n < batch; n++) labels[n] = random.Next((int)classes);
            TorchTensor indices = torch.tensor(labels, ScalarType.Int64);
            target = F.one_hot(indices, classes).to(ScalarType.Float64);
            loss = F.cross_entropy(logits, indices);
        }
        FinishLoss(name, logits, target, loss);
    }

    /// <summary>Squared error summed over features and averaged over the batch: Σ(p − t)² / N.</summary>
    public void MeanSquaredError(string name, long batch, long features)
    {
        fixture.Case(name, "op=mean_squared_error");
        using var scope = torch.NewDisposeScope();
        var random = new Random(++_seed);
        TorchTensor prediction = Draw(random, [batch, features], -2, 2);
        TorchTensor target = Draw(random, [batch, features], -2, 2, grad: false);
        FinishLoss(name, prediction, target, F.mse_loss(prediction, target, nn.Reduction.Sum) / batch);
    }

    // Draws dy, runs the backward pass of L = Σ y·dy and stores the input, parameters, output and gradients.
    private void Finish(string name, Random random, TorchTensor x, TorchTensor y, IReadOnlyList<(string Name, TorchTensor Value)> parameters)
    {
        TorchTensor dy = Draw(random, y.shape, -1, 1, grad: false);
        (y * dy).sum().backward();
        fixture.Add(name, "x", x);
        foreach (var (parameter, value) in parameters) fixture.Add(name, parameter, value);
        fixture.Add(name, "dy", dy);
        fixture.Add(name, "y", y);
        fixture.Add(name, "dx", x.grad!);
        foreach (var (parameter, value) in parameters) fixture.Add(name, "grad/" + parameter, value.grad!);
    }

    private void FinishLoss(string name, TorchTensor prediction, TorchTensor target, TorchTensor loss)
    {
        loss.backward();
        fixture.Add(name, "x", prediction);
        fixture.Add(name, "target", target);
        fixture.Add(name, "loss", loss.reshape(1));
        fixture.Add(name, "dx", prediction.grad!);
    }

    // Uniform values in [min, max), rounded to float32 (what the fixture stores), held in float64.
    private static TorchTensor Draw(Random random, long[] shape, double min, double max, bool grad = true)
    {
        var values = new double[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(min + random.NextDouble() * (max - min));
        return torch.tensor(values, shape, ScalarType.Float64, requires_grad: grad);
    }

    // Values −1, 0 and 1 only.
    private static TorchTensor Levels(Random random, long[] shape)
    {
        var values = new double[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = random.Next(3) - 1;
        return torch.tensor(values, shape, ScalarType.Float64, requires_grad: true);
    }

    // Rounds to float32 values, kept in float64, so that the stored tensor is exactly what was used.
    private static TorchTensor Round(TorchTensor t) => t.to(ScalarType.Float32).to(ScalarType.Float64);
}
