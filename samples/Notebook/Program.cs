// The seed notebook (docs/notebook.md), cell by cell, in C# on ScratchNet.
//
//   dotnet run -c Release --project samples/Notebook -- [--epochs N] [--limit N] [--threads N] [--data DIR]
//
// Each section below starts with the notebook's cell number and a comment that says what the cell did,
// what it got wrong, and what ScratchNet does instead. The maths is in docs/maths.md.

using System.Diagnostics;
using System.Globalization;
using ScratchNet;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Serialization;
using ScratchNet.Training;

// ---------------------------------------------------------------------------------------------------------
// Command line: --epochs N (notebook: 10), --limit N (train on the first N images; validation always uses
// the 10,000 test images, as the notebook did), --threads N (default: all cores), --data DIR.
// ---------------------------------------------------------------------------------------------------------
int epochs = 10, limit = 0, threads = Environment.ProcessorCount;
string? dataFolder = null;
for (int a = 0; a < args.Length; a++)
{
    string Next() => a + 1 < args.Length ? args[++a] : throw new ArgumentException($"{args[a]} needs a value.");
    int Positive(string name, string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
        ? v : throw new ArgumentException($"{name} must be a positive whole number, got '{text}'.");
    switch (args[a])
    {
        case "--epochs": epochs = Positive("--epochs", Next()); break;
        case "--limit": limit = Positive("--limit", Next()); break;
        case "--threads": threads = Positive("--threads", Next()); break;
        case "--data": dataFolder = Next(); break;
        default:
            Console.Error.WriteLine($"error: unknown argument '{args[a]}'. Use --epochs N, --limit N, --threads N, --data DIR.");
            return 2;
    }
}

// ---------------------------------------------------------------------------------------------------------
// In [1]-[3]: imports. The notebook imported NumPy, Keras (for the data only) and its own `utils` module
// (NeuralNetwork, Dense, Layer, Operation, ParamOperation, Loss, SGDMomentum, Trainer, Tanh, Sigmoid …).
// ScratchNet has the same vocabulary as a library: the `using` lines above. Cell [3] said the work was
// "stuck for two weeks"; the sections below say why, one bug at a time.
// ---------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------
// In [4]: loading Fashion-MNIST and normalising it.
//
// The notebook downloaded the data with Keras. ScratchNet reads the four IDX files from a folder:
// DataLocator looks at --data, then $SCRATCHNET_DATA, then /usr/share/datasets/fashion-mnist (Debian's
// package `dataset-fashion-mnist`), and IdxDatasetLoader turns them into [count, 1, 28, 28] tensors of
// raw pixels 0…255 (already NCHW, so the notebook's reshape(-1, 1, 28, 28) is built in).
//
// Normalisation: the notebook wrote
//     X_train, X_test = X_train - np.mean(X_train), X_test - np.mean(X_train)
//     X_train, X_test = X_train / np.std(X_train), X_test / np.std(X_train)
// which is right only because Python evaluates the whole right-hand side before assigning: both sets use
// the training mean, and on the second line np.std(X_train) is the std of the centred set (the same
// number). Written as separate statements, X_test would be centred with the mean of the already-centred
// X_train (0) and scaled by the std of the already-scaled X_train (1). ScratchNet states the intent: measure mean and std once on the raw training images,
// apply both to every set, and keep them with the model, because prediction on new images needs them.
// ---------------------------------------------------------------------------------------------------------
string folder;
ImageDataset rawTrain, rawTest;
try
{
    folder = DataLocator.Locate(dataFolder);
    (rawTrain, rawTest) = IdxDatasetLoader.LoadFolder(folder);
}
catch (Exception e) when (e is DataNotFoundException or DataFormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
if (limit > 0) rawTrain = rawTrain.Take(limit);

Standardizer standardizer = Standardizer.Fit(rawTrain.Images);   // statistics of the raw training images only
ImageDataset train = standardizer.Apply(rawTrain), test = standardizer.Apply(rawTest);
Console.WriteLine($"In [4]  data from {folder}: {train.Count} training and {test.Count} test images of {Tensor.FormatShape(train.ImageShape)}");
Console.WriteLine($"        standardised with the training set's mean {standardizer.Mean[0]:F3} and std {standardizer.Std[0]:F3}");

// One-hot labels: the notebook built train_labels and test_labels with a Python loop. ScratchNet keeps
// the labels as class indices (train.Labels) and the trainer writes the one-hot rows of each batch itself
// (ImageDataset.CopyBatch), so there is nothing to do here. What a one-hot row looks like:
Console.WriteLine($"        label of image 0: {train.Labels[0]} ({train.ClassNames[train.Labels[0]]}), one-hot: [{OneHot(train.Labels[0], train.ClassCount)}]");

// ---------------------------------------------------------------------------------------------------------
// In [5]: calculate_accuray (sic). The notebook defined it and never called it, so it only ever saw the
// loss. Here it is, computed in batches of 1,000 (10,000 images of 16×28×28 activations at once would
// take half a gigabyte). The trainer reports the same figure after every epoch (Evaluation.Run).
// ---------------------------------------------------------------------------------------------------------
static double CalculateAccuracy(NeuralNetwork model, ImageDataset data)
{
    int correct = 0, classes = data.ClassCount, sample = data.Images.SampleLength;
    int[] shape = data.Images.Shape.ToArray();
    for (int start = 0; start < data.Count; start += 1000)
    {
        int count = Math.Min(1000, data.Count - start);
        shape[0] = count;
        var batch = new Tensor(data.Images.Span.Slice(start * sample, count * sample).ToArray(), shape);
        Tensor logits = model.Forward(batch, training: false);          // inference mode, as in the notebook
        for (int i = 0; i < count; i++)
            if (Evaluation.ArgMax(logits.Span.Slice(i * classes, classes)) == data.Labels[start + i]) correct++;
    }
    return 100.0 * correct / data.Count;                               // a percentage, as the notebook's
}

// ---------------------------------------------------------------------------------------------------------
// The notebook's convolution notes, corrected.
//
// Forward, in 1-D with the notebook's own example: input [i1 … i5], kernel [w1 w2 w3],
//     o1 = i1·w1 + i2·w2 + i3·w3,  o2 = i2·w1 + i3·w2 + i4·w3,  o3 = i3·w1 + i4·w2 + i5·w3.
// That is a cross-correlation (no kernel flip), which is what every deep-learning library calls
// "convolution". Padding with i0 = i6 = 0 adds o0 and o4, so five outputs for five inputs ("same").
//
// Backward: i5 appears in o3 (times w3), in o4 (times w2) and, with a sixth output, in o5 (times w1):
//     ∂L/∂i5 = ∂L/∂o3·w3 + ∂L/∂o4·w2 + ∂L/∂o5·w1.
// The notebook's prose had the idea (the weights come in reverse order) but wrote the indices one off
// (o4, o5, o6, and "t5"), and its code (_input_grad) correlated the output gradient with the kernel in
// the forward order w1, w2, w3: the kernel must be turned by 180°. ScratchNet never flips anything by
// hand: it multiplies by the transposed weight matrix and folds the columns back (col2im), which sends
// each gradient to exactly the input it came from. The 1-D example below shows both.
//
// In 2-D, with the code's layouts (input x NCHW [N, C, H, W], weight w OIHW [O, C, KH, KW]):
//     z[n, o, i, j] = b[o] + Σ_c Σ_u Σ_v x[n, c, i·sh + u − pt, j·sw + v − pl] · w[o, c, u, v]
// which is the notebook's generalisation formula with the padding offsets (pt, pl) written in. Its prose
// about a 5-D input "[batch_size, in_channels, out_channels, img_height, img_width]" was a slip: the input
// is 4-D NCHW, the weight 4-D OIHW (the notebook stored it as [in, out, kh, kw]), the output NCHW.
//
// The weight gradient (_param_grad) was the fatal bug: it stacked the image patches in (position, batch)
// order but the output gradient in (batch, position) order, so for any batch larger than one it paired
// patches with the wrong gradients. With batch 60 the notebook trained on a wrong gradient. ScratchNet
// sums the per-image products ∂L/∂W = Σₙ ∂L/∂Zₙ · Xₙᵀ, where no stacking order can go wrong.
// ---------------------------------------------------------------------------------------------------------
Console.WriteLine();
Console.WriteLine("Convolution in 1-D: input i = [1 2 3 4 5], kernel w = [1 10 100], 'same' padding");
{
    var kernel = new Parameter("weight", Tensor.FromArray([1f, 10f, 100f], 1, 1, 1, 3));   // OIHW [1, 1, 1, 3]
    var convolution = new Conv2DOperation(kernel, 1, 1, Padding.Same);
    Tensor o = convolution.Forward(Tensor.FromArray([1f, 2f, 3f, 4f, 5f], 1, 1, 1, 5));     // NCHW [1, 1, 1, 5]
    Console.WriteLine($"  o = [{Join(o.Span)}]   (o0 = 0·1 + 1·10 + 2·100, …)");
    float[] g = [1f, 2f, 3f, 4f, 5f];                                                      // some ∂L/∂o
    Tensor dx = convolution.Backward(Tensor.FromArray(g, 1, 1, 1, 5))!;
    float[] flipped = new float[5], notebook = new float[5];
    for (int k = 0; k < 5; k++)
        for (int t = -1; t <= 1; t++)
            if (k + t is >= 0 and < 5)
            {
                flipped[k] += g[k + t] * kernel.Value[1 - t];    // ∂L/∂i_k = g_{k−1}·w3 + g_k·w2 + g_{k+1}·w1
                notebook[k] += g[k + t] * kernel.Value[1 + t];   // the notebook: g_{k−1}·w1 + g_k·w2 + g_{k+1}·w3
            }
    Console.WriteLine($"  ∂L/∂o = [{Join(g)}]");
    Console.WriteLine($"  ∂L/∂i from Conv2DOperation (col2im of Wᵀ·∂L/∂o): [{Join(dx.Span)}]");
    Console.WriteLine($"  ∂L/∂o correlated with the flipped kernel [100 10 1]:  [{Join(flipped)}]");
    Console.WriteLine($"  the notebook's _input_grad, kernel not flipped:      [{Join(notebook)}]  (wrong)");
}

// The claims above, checked numerically: a convolution with stride, padding, several channels, a
// non-square input and a batch of 3 (the notebook's weight gradient was exact only at batch 1).
{
    var weight = new Parameter("weight", Uniform(new Tensor(4, 3, 3, 2), seed: 7));
    var convolution = new Conv2DOperation(weight, 2, 1, Padding.Explicit(1, 0));
    GradientCheckReport report = GradientChecker.Check(convolution, Uniform(new Tensor(3, 3, 7, 5), seed: 8));
    Console.WriteLine($"  gradient check, Conv2D [3, 3, 7, 5] * [4, 3, 3, 2], stride (2, 1): {Verdict(report)}");
}

// ---------------------------------------------------------------------------------------------------------
// Pooling (notes only in the notebook) exists as MaxPool2D and AvgPool2D; Flatten (In [8]) is the
// Flatten layer, or flatten: true on a Conv2D as in the notebook. Neither is needed by this model.
//
// In [9]-[10]: the loss. The notebook's SoftmaxCrossEntropy computed, per sample,
//     −Σⱼ tⱼ·log pⱼ − Σⱼ (1 − tⱼ)·log(1 − pⱼ)      (clipped p)
// but returned the gradient (p − t)/N of the first term alone. The second, binary term is not part of
// softmax cross-entropy; with it the value and the gradient describe different functions (for two
// classes the value is exactly twice the cross-entropy, so the gradient was half the true one).
// "The loss is no beauty, but it works!!!" — it did not: the reported loss was not the loss being
// minimised. ScratchNet's SoftmaxCrossEntropy is L = −(1/N)·Σₙ Σⱼ tₙⱼ·log softmax(zₙ)ⱼ through a stable
// log-sum-exp (subtract the row maximum, no clipping), and its gradient is (p − t)/N. Checked here:
// ---------------------------------------------------------------------------------------------------------
{
    Tensor logits = Uniform(new Tensor(6, 10), seed: 9), targets = new(6, 10);
    for (int n = 0; n < 6; n++) targets[n * 10 + (3 * n) % 10] = 1f;
    GradientCheckReport report = GradientChecker.Check(new SoftmaxCrossEntropy(), logits, targets);
    Console.WriteLine($"  gradient check, SoftmaxCrossEntropy on [6, 10] logits: {Verdict(report)}");
}

// ---------------------------------------------------------------------------------------------------------
// Adding an operation (docs/adding-an-operation.md): Swish/SiLU, y = x·σ(x), written below as an
// Activation, and a per-channel PReLU written as a ParamOperation inside a Layer. Both are checked
// against central differences before they are trusted.
// ---------------------------------------------------------------------------------------------------------
{
    Tensor input = AwayFromZero(Uniform(new Tensor(4, 3, 5, 5), seed: 3));
    Console.WriteLine($"  gradient check, Swish on [4, 3, 5, 5]: {Verdict(GradientChecker.Check(new Swish(), input))}");
    Console.WriteLine($"  gradient check, PReLU layer on [4, 3, 5, 5]: {Verdict(GradientChecker.Check(new PReLU(), input))}");
}

// ---------------------------------------------------------------------------------------------------------
// In [6]-[7] and [11]: the model. Conv2D with 16 filters of 5×5, "same" padding, no bias, tanh, flatten,
// then Dense(10) with a linear output (the logits), trained with softmax cross-entropy.
//
// The notebook drew every weight from N(0, 1). A conv output then sums 25 standardised pixels with unit
// weights (a spread of about 5), so tanh saturates at ±1 and its gradient 1 − y² vanishes; the dense
// layer sums 12,544 such ±1 features with unit weights, so the logits spread by about √12544 ≈ 112 and
// the softmax is certain, and mostly wrong.
// ScratchNet's layers default to Glorot/Xavier scaling (U(−a, a), a = √(6 / (fan_in + fan_out)));
// `layer.WeightInit = WeightInit.Standard` reproduces the notebook's draw.
// ---------------------------------------------------------------------------------------------------------
var model = new NeuralNetwork(
    [
        new Conv2D(16, kernelSize: 5, padding: Padding.Same, bias: false, activation: new Tanh(), flatten: true),
        new Dense(10),
    ],
    new SoftmaxCrossEntropy(), seed: 1)
{
    Threads = threads,
    Normalization = standardizer,
    ClassNames = train.ClassNames,
};
model.Build(train.ImageShape);
Console.WriteLine();
Console.WriteLine($"In [11] model: Conv2D 16@5×5 same, no bias, tanh, flatten → Dense 10; {model.ParameterCount:N0} parameters");
foreach (var (name, parameter) in model.NamedParameters())
    Console.WriteLine($"        {name,-9} {parameter.Value.ShapeText}");

// ---------------------------------------------------------------------------------------------------------
// In [11]: training. The notebook: SGDMomentum(lr = 0.1), epochs 10, eval_every 1, batch 60, and a
// validation loss that wandered between 7.8 and 10.4 for ten epochs.
//
// Everything stays the same here except the learning rate, 0.01. Even with every bug above fixed,
// lr 0.1 with momentum 0.9 is too hot for this model: momentum multiplies a steady step by 1/(1 − μ),
// so the effective rate is lr/(1 − μ) = 1.0. Measured with PyTorch's engine on the same model and data
// (docs/notebook.md, item 12): one epoch at lr 0.1 reaches 0.776 test accuracy with a loss near 44, at lr 0.01
// 0.8285 with a loss of 0.50. `./scratchnet train --model seed-cnn --lr 0.1` reproduces the hot run.
//
// SGDMomentum is PyTorch's form, v ← μ·v + g, θ ← θ − lr·v; with a constant rate it takes the same
// steps as the notebook's v ← μ·v + lr·g, θ ← θ − v. The trainer shuffles every epoch, builds one-hot
// targets per batch, and after every epoch reports the validation loss AND the accuracy.
// ---------------------------------------------------------------------------------------------------------
var trainer = new Trainer(model, new SGDMomentum(learningRate: 0.01f, momentum: 0.9f));
trainer.EpochCompleted += r => Console.WriteLine(
    $"Validation loss after {r.Epoch} epochs is {r.ValidationLoss:F3}, accuracy {100 * r.ValidationAccuracy:F2}% " +
    $"(training loss {r.TrainLoss:F3}, {r.ImagesPerSecond:N0} images/s)");
var clock = Stopwatch.StartNew();
try
{
    trainer.Fit(train, test, new TrainingOptions { Epochs = epochs, EvalEvery = 1, BatchSize = 60, Seed = 1 });
}
catch (TrainingDivergedException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
Console.WriteLine($"        {epochs} epoch(s) on {train.Count} images in {clock.Elapsed.TotalSeconds:F1} s with {threads} thread(s)");

// In [5] again, now actually called.
Console.WriteLine($"calculate_accuracy(model, X_test, y_test) = {CalculateAccuracy(model, test):F2}");

// ---------------------------------------------------------------------------------------------------------
// Beyond the notebook: keep the model. One safetensors file holds the weights ("0.weight", "1.weight",
// "1.bias", PyTorch's layouts), the architecture, the normalisation and the class names
// (docs/model-file.md shows how to open it from Python and PyTorch).
// ---------------------------------------------------------------------------------------------------------
string modelPath = Path.Combine(Path.GetTempPath(), "scratchnet-notebook.safetensors");
model.Save(modelPath);
NeuralNetwork reloaded = NeuralNetwork.Load(modelPath);
Console.WriteLine($"saved {modelPath} ({new FileInfo(modelPath).Length:N0} bytes); reloaded accuracy {CalculateAccuracy(reloaded, test):F2}");
// The logits of the first test image, to compare with the same file loaded into PyTorch (docs/model-file.md).
Tensor firstImage = new(test.Images.Span[..test.Images.SampleLength].ToArray(), [1, .. test.ImageShape]);
Console.WriteLine($"logits of test image 0 (label {test.Labels[0]}): [{Join(reloaded.Predict(firstImage).Span)}]");
return 0;

// ---------------------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------------------
static string OneHot(int label, int classes) => string.Join(" ", Enumerable.Range(0, classes).Select(j => j == label ? "1" : "0"));

static string Join(ReadOnlySpan<float> values) => string.Join(" ", values.ToArray().Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)));

static string Verdict(GradientCheckReport report) =>
    $"{(report.Passed() ? "passed" : "FAILED")} (worst relative error {report.MaxRelativeError:E1}; {report})";

// Uniform values in [−1, 1), seeded.
static Tensor Uniform(Tensor tensor, int seed)
{
    var random = new Random(seed);
    foreach (ref float v in tensor.Span) v = (float)(random.NextDouble() * 2 - 1);
    return tensor;
}

// Moves values at least 0.1 away from 0, where PReLU has its kink: central differences with ε = 0.01 must
// not straddle a point where the derivative jumps.
static Tensor AwayFromZero(Tensor tensor)
{
    foreach (ref float v in tensor.Span) v = MathF.CopySign(0.1f + 0.9f * MathF.Abs(v), v);
    return tensor;
}

/// <summary>
/// Swish (SiLU): y = x·σ(x); dy/dx = σ(x) + x·σ(x)·(1 − σ(x)) = σ(x)·(1 + x·(1 − σ(x))).
/// </summary>
sealed class Swish : Activation
{
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * Sigmoid.Logistic(x[i]);
    }

    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float s = Sigmoid.Logistic(x[i]);   // from x: y/x would divide by zero at x = 0
            dx[i] = dy[i] * s * (1f + x[i] * (1f - s));
        }
    }
}

/// <summary>
/// Parametric ReLU with one learnable slope per channel: x [N, C, …], a [C];
/// y = x where x &gt; 0, else a[c]·x. Backward: ∂L/∂x = ∂L/∂y where x &gt; 0, else a[c]·∂L/∂y;
/// ∂L/∂a[c] = Σ ∂L/∂y·x over the batch and the positions of channel c where x ≤ 0.
/// </summary>
sealed class PReLUOperation(Parameter slope) : ParamOperation(slope)
{
    private int Channels => Parameter.Value.Length;

    protected override Tensor ComputeOutput(Tensor input)
    {
        if (input.Rank < 2 || input.Dim(1) != Channels)
            throw new ShapeMismatchException($"{Name}: {Channels} slopes expect input [batch, {Channels}, ...], but got {input.ShapeText}.");
        Tensor output = OutputBuffer(input.Shape);
        int plane = input.SampleLength / Channels;
        ReadOnlySpan<float> x = input.Span, a = Parameter.Value.Span;
        Span<float> y = output.Span;
        for (int i = 0; i < x.Length; i++)
            y[i] = x[i] > 0 ? x[i] : a[i / plane % Channels] * x[i];
        return output;
    }

    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        int plane = Input.SampleLength / Channels;
        ReadOnlySpan<float> x = Input.Span, dy = outputGradient.Span, a = Parameter.Value.Span;
        Span<float> dx = inputGradient.Span;
        for (int i = 0; i < x.Length; i++)
            dx[i] = x[i] > 0 ? dy[i] : a[i / plane % Channels] * dy[i];
        return inputGradient;
    }

    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        int plane = Input.SampleLength / Channels;
        ReadOnlySpan<float> x = Input.Span, dy = outputGradient.Span;
        Span<float> da = Parameter.Gradient.Span;
        da.Clear();                                   // overwrite, do not accumulate
        for (int i = 0; i < x.Length; i++)
            if (x[i] <= 0) da[i / plane % Channels] += dy[i] * x[i];
    }
}

/// <summary>The layer around <see cref="PReLUOperation"/>: one slope per channel of its first input, starting at 0.25.</summary>
sealed class PReLU : Layer
{
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        var slope = new Parameter("weight", new Tensor(sampleShape[0]));   // PyTorch's PReLU calls it "weight" too
        slope.Value.Fill(0.25f);
        return [new PReLUOperation(slope)];
    }

    protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
}
