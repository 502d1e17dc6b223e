using System.CommandLine;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// <c>scratchnet summary</c>: the layers of a model with their output shapes and parameter counts, and the
/// total parameters and forward FLOPs per image.
/// </summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var modelFile = CommonOptions.ModelFile(required: false);
        var spec = CommonOptions.Spec();
        var input = new Option<string?>("--input") { Description = "The input image shape C,H,W (default 1,28,28; for --model-file the file's)" };

        var command = new Command("summary",
            "Show a model's layers (a preset's, a specification's, or those of a model file or checkpoint, with its own input shape): output shape and parameters of each, and the totals: parameters and forward FLOPs per image. " +
            "FLOPs count a multiply-add as 2: convolution 2·O·C·KH·KW·OH·OW, dense 2·in·out; batch norm 2 per value and pooling one per window element; " +
            "activations, biases and dropout are excluded; a residual sum counts 1 per value. A block (sequential, residual, concat) shows its layers indented under it, " +
            "and its parameters and FLOPs are those of all its layers. Give exactly one of --model, --model-file, --spec.\n\n" +
            "Examples:\n  scratchnet summary --model seed-cnn\n  scratchnet summary --model mlp --input 1,32,32\n" +
            "  scratchnet summary --spec my-model.json\n  scratchnet summary --model-file model.safetensors")
        {
            model, modelFile, spec, input, CommonOptions.Plugin(),
        };
        command.SetAction(result => Run(result.GetValue(model), result.GetValue(modelFile), result.GetValue(spec), result.GetValue(input)));
        return command;
    }

    private static int Run(string? model, string? modelFile, string? spec, string? inputText)
    {
        int sources = (model is null ? 0 : 1) + (modelFile is null ? 0 : 1) + (spec is null ? 0 : 1);
        if (sources != 1) throw new UsageException("give exactly one of --model NAME, --model-file FILE or --spec FILE.");
        int[]? requested = inputText is null ? null : CliSupport.ParseShape(inputText, "--input");

        NeuralNetwork network;
        string source;
        int[] shape;
        if (modelFile is not null)
        {
            network = CliSupport.LoadModel(modelFile);
            source = modelFile;
            shape = network.Layers[0].InputSampleShape.ToArray();
            if (requested is not null && !requested.SequenceEqual(shape))
                throw new UsageException($"the model file {modelFile} was built for input {CliSupport.FormatShape(shape)}, not {CliSupport.FormatShape(requested)}; leave out --input.");
        }
        else
        {
            (network, source) = CliSupport.CreateNetwork(model, spec);
            shape = requested ?? [1, 28, 28];
            CliSupport.Build(network, shape);
        }

        var rows = new List<IReadOnlyList<string>>();
        int[] inputShape = shape;
        long flops = 0;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            flops += AddRows(rows, i.ToString(), network.Layers[i], inputShape, depth: 0);
            inputShape = network.Layers[i].OutputSampleShape(inputShape);
        }

        Console.WriteLine($"model {TerminalText.Clean(source)}, input {CliSupport.FormatShape(shape)}, loss {network.Loss.GetType().Name}");
        Console.WriteLine();
        Console.Write(CliSupport.Table(["#", "layer", "output", "parameters", "FLOPs"], rows, new HashSet<int> { 3, 4 }));
        Console.WriteLine();
        Console.WriteLine($"total parameters  {network.ParameterCount:N0}");
        Console.WriteLine($"FLOPs per image   {flops:N0} ({Human(flops)}, forward; multiply-add = 2; activations, biases and dropout excluded)");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Adds the row of <paramref name="layer"/> ("3", or "3.body.0" inside a block) and, for a composite layer, the rows
    /// of its children indented under it; a block's parameters and FLOPs are its whole subtree's. Returns its FLOPs.
    /// </summary>
    private static long AddRows(List<IReadOnlyList<string>> rows, string label, Layer layer, int[] input, int depth)
    {
        int[] output = layer.OutputSampleShape(input);
        var row = new string[5];
        rows.Add(row);
        long flops = Flops(layer, input, output);
        foreach (var (path, child) in layer.Children)
            flops += AddRows(rows, $"{label}.{path}", child, child.InputSampleShape.ToArray(), depth + 1);   // built: it knows its input
        long parameters = layer.Parameters.Sum(p => (long)p.Value.Length);
        row[0] = label;
        row[1] = new string(' ', 2 * depth) + Describe(layer);
        row[2] = CliSupport.FormatShape(output);
        row[3] = parameters.ToString("N0");
        row[4] = flops.ToString("N0");
        return flops;
    }

    /// <summary>
    /// Forward FLOPs of one image through <paramref name="layer"/> itself (see the command's description); for a composite
    /// layer only its own work (a residual sum: one per value), its children are counted on their own rows.
    /// </summary>
    internal static long Flops(Layer layer, int[] input, int[] output)
    {
        long Elements(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);
        switch (layer)
        {
            case Conv2D:
            {
                var g = ((Conv2DOperation)layer.Operations[0]).GeometryFor([1, .. input]);   // one group's: Channels = C/groups
                Conv2D c = (Conv2D)layer;
                return 2L * c.OutChannels * g.Channels * g.KernelHeight * g.KernelWidth * g.OutputHeight * g.OutputWidth;
            }
            case Residual:
                return Elements(output);
            case Dense d:
                return 2L * input[0] * d.Neurons;
            case BatchNorm:
                return 2L * Elements(output);
            case Pooling2D p:
                return (long)p.PoolHeight * p.PoolWidth * Elements(output);
            case GlobalAvgPool2D:
                return Elements(input);
            default:
                return 0;
        }
    }

    private static string Describe(Layer layer) => layer switch
    {
        Conv2D c => $"Conv2D {c.OutChannels}@{c.KernelHeight}x{c.KernelWidth} stride {c.StrideHeight}x{c.StrideWidth} {c.Padding}" +
                    (c.Groups > 1 ? $" groups {c.Groups}" : "") + (c.HasBias ? " bias" : "") + $" {c.Activation.Name}" + (c.Flattens ? " flatten" : ""),
        Residual r => "Residual" + (r.Shortcut.Count == 0 ? " identity" : " projection") + (r.Activation is Operations.Activations.Linear ? "" : $" {r.Activation.Name}"),
        Concat k => $"Concat {k.Branches.Count} branches",
        Dense d => $"Dense {d.Neurons}" + (d.HasBias ? " bias" : "") + $" {d.Activation.Name}",
        Pooling2D p => $"{layer.Name} {p.PoolHeight}x{p.PoolWidth} stride {p.StrideHeight}x{p.StrideWidth} {p.Padding}",
        Dropout d => $"Dropout {d.Rate}",
        BatchNorm b when b.Activation is not Operations.Activations.Linear => $"BatchNorm {b.Activation.Name}",
        _ => layer.Name,
    };

    private static string Human(long flops) => flops switch
    {
        >= 1_000_000_000 => $"{flops / 1e9:F2} GFLOPs",
        >= 1_000_000 => $"{flops / 1e6:F2} MFLOPs",
        >= 1_000 => $"{flops / 1e3:F2} kFLOPs",
        _ => $"{flops} FLOPs",
    };
}
