using System.CommandLine;
using ScratchNet.Layers;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// <c>scratchnet gradcheck</c>: compares every layer's hand-written gradients (input and parameters) and the
/// loss gradient with central differences (<see cref="GradientChecker"/>).
/// </summary>
internal static class GradCheckCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var spec = CommonOptions.Spec();
        var input = new Option<string>("--input") { Description = "Input shape C,H,W; smaller images check faster", DefaultValueFactory = _ => "1,28,28" };
        var batch = new Option<int>("--batch") { Description = "Images in the random batch", DefaultValueFactory = _ => 2 }.Positive();
        var maxEntries = new Option<int>("--max-entries") { Description = "Entries compared per tensor (a seeded sample of larger tensors)", DefaultValueFactory = _ => 256 }.Positive();
        var seed = CommonOptions.Seed();

        var command = new Command("gradcheck",
            "Check the gradients of a model numerically: each layer, fed the previous layer's output for a seeded random batch " +
            "(values of magnitude 0.1 to 1), compares its input and parameter gradients with central differences, " +
            $"and so does the loss for one-hot targets. A tensor passes when its relative error is at most {GradientChecker.DefaultTolerance}. " +
            "To keep clear of non-smooth points, every layer's input is moved 0.1 away from zero (ReLU's kink) and a max-pooling layer gets " +
            "distinct values, 0.05 apart, for its check (ties), while the next layer still gets its output for the usual input. A kink inside a layer (a Dense or Conv2D with a ReLU activation) or inside a block (a residual or concat block checked as a whole) can still make a correct " +
            "gradient fail by chance; try another --seed. Dropout layers are skipped (their masks are random). Exit code 0 when all pass, 1 otherwise. Give --model or --spec.\n\n" +
            "Examples:\n  scratchnet gradcheck --model seed-cnn\n  scratchnet gradcheck --model mlp --input 1,8,8 --batch 4\n  scratchnet gradcheck --spec my-model.json --input 1,12,12")
        {
            model, spec, input, batch, maxEntries, seed, CommonOptions.Plugin(),
        };
        command.SetAction(result => Run(result.GetValue(model), result.GetValue(spec), result.GetValue(input)!, result.GetValue(batch),
            result.GetValue(maxEntries), result.GetValue(seed)));
        return command;
    }

    private static int Run(string? model, string? spec, string inputText, int batch, int maxEntries, int seed)
    {
        if ((model is null) == (spec is null)) throw new UsageException("give exactly one of --model NAME or --spec FILE.");
        int[] shape = CliSupport.ParseShape(inputText, "--input");
        var (network, source) = CliSupport.CreateNetwork(model, spec, seed);
        CliSupport.Build(network, shape);
        // Every layer's output for the whole batch is kept (cloned) for the next layer's check.
        double values = batch * ModelSize.Check(network.Layers, shape);
        if (values > ModelSize.MaxValuesPerBatch)
            throw new UsageException($"--batch {batch} of {CliSupport.FormatShape(shape)} images makes the layers output {values:N0} values, more than the {ModelSize.MaxValuesPerBatch:N0} gradcheck allows; use a smaller --batch or --input.");
        network.Layers[0].ComputesInputGradient = true; // check the first layer's input gradient too

        var random = new Random(seed);
        var x = new Tensor([batch, .. shape]);
        foreach (ref float v in x.Span)
        {
            float magnitude = 0.1f + 0.9f * random.NextSingle();
            v = random.Next(2) == 0 ? -magnitude : magnitude;
        }

        Console.WriteLine($"model {source}, input {batch}×{CliSupport.FormatShape(shape)}, tolerance {GradientChecker.DefaultTolerance}, up to {maxEntries} entries per tensor");
        Console.WriteLine();
        var rows = new List<IReadOnlyList<string>>();
        int failed = 0;
        void Add(string layer, GradientCheckReport report)
        {
            foreach (GradientError e in report.Errors)
            {
                bool pass = e.RelativeError <= GradientChecker.DefaultTolerance;
                if (!pass) failed++;
                rows.Add([layer, e.Name, e.Checked.ToString(), e.RelativeError.ToString("0.00E+00"), e.MaxAbsoluteError.ToString("0.00E+00"), pass ? "pass" : "FAIL"]);
            }
        }

        for (int i = 0; i < network.Layers.Count; i++)
        {
            Layer layer = network.Layers[i];
            string name = $"{i} {layer.Name}";
            x = AwayFromZero(x, random);
            Tensor checkInput = layer is Pooling2D { Kind: Operations.PoolingKind.Max } ? Distinct(x, random) : x;
            if (layer is Dropout) rows.Add([name, "-", "0", "-", "-", "skipped (random mask)"]);
            else Add(name, GradientChecker.Check(layer, checkInput, maxEntries: maxEntries, seed: seed));
            x = layer.Forward(x, training: false).Clone();
        }

        x = AwayFromZero(x, random);
        if (x.Rank == 2)
        {
            int classes = x.Dim(1);
            var targets = new Tensor(batch, classes);
            for (int n = 0; n < batch; n++) targets[n * classes + random.Next(classes)] = 1f;
            Add($"loss {network.Loss.GetType().Name}", GradientChecker.Check(network.Loss, x, targets, maxEntries: maxEntries, seed: seed));
        }

        Console.Write(CliSupport.Table(["layer", "tensor", "checked", "relative error", "max abs error", "result"], rows, new HashSet<int> { 2, 3, 4 }));
        Console.WriteLine();
        Console.WriteLine(failed == 0 ? "all gradients pass" : $"{failed} tensor(s) FAILED: relative error above {GradientChecker.DefaultTolerance}");
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>
    /// The values moved 0.1 further from zero (a zero to ±0.1 at random), so that no value lies within the
    /// difference step ε = 0.01 of ReLU's kink at 0.
    /// </summary>
    internal static Tensor AwayFromZero(Tensor x, Random random)
    {
        var result = x.Clone();
        foreach (ref float v in result.Span)
            v += v > 0 ? 0.1f : v < 0 ? -0.1f : random.Next(2) == 0 ? -0.1f : 0.1f;
        return result;
    }

    /// <summary>
    /// For max pooling: a seeded random permutation of ±(0.1 + 0.05·k), so that no two values of a window are
    /// within 2ε of each other (a near tie makes the difference quotient route the gradient to both).
    /// </summary>
    internal static Tensor Distinct(Tensor x, Random random)
    {
        var result = new Tensor(x.Shape);
        Span<float> values = result.Span;
        int[] order = Enumerable.Range(0, values.Length).ToArray();
        random.Shuffle(order);
        for (int i = 0; i < values.Length; i++)
            values[i] = (order[i] % 2 == 0 ? 1 : -1) * (0.1f + 0.05f * (order[i] / 2));
        return result;
    }
}
