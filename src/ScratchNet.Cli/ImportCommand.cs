using System.CommandLine;
using ScratchNet.Onnx;
using ScratchNet.Serialization;

namespace ScratchNet.Cli;

/// <summary><c>scratchnet import</c>: reads an ONNX model (<see cref="OnnxImporter"/>) and writes it as a ScratchNet model file.</summary>
internal static class ImportCommand
{
    /// <summary>The most bytes a --classes file may have.</summary>
    private const int MaxClassesBytes = 1 << 20;

    public static Command Create()
    {
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file to read (model.onnx)", Required = true };
        var output = new Option<string>("--out") { Description = "The ScratchNet model file to write (model.safetensors)", Required = true };
        var input = new Option<string?>("--input") { Description = "The input image shape C,H,W, when the file leaves it open" };
        var classes = new Option<string?>("--classes") { Description = "A text file with one class name per line, by output index" };
        var command = new Command("import",
            "Read an ONNX model, as PyTorch's exporter or scratchnet export write it, and save it as a ScratchNet model file that evaluate, " +
            "predict, summary, export and train --init-from accept. Read: Conv, Gemm, MatMul+Add, BatchNormalization, the activations, " +
            "MaxPool, AveragePool, GlobalAveragePool, Flatten, a flattening Reshape, Add (residual), Concat, and Sub/Div of a constant at " +
            "the input (the normalisation; without it the model takes raw 0-255 pixels). See docs/onnx.md.\n\n" +
            "Examples:\n  scratchnet import --onnx model.onnx --out model.safetensors\n" +
            "  scratchnet import --onnx resnet.onnx --out resnet.safetensors --input 3,32,32 --classes classes.txt")
        {
            onnx, output, input, classes,
        };
        command.SetAction(result => Run(result.GetValue(onnx)!, result.GetValue(output)!, result.GetValue(input), result.GetValue(classes)));
        return command;
    }

    private static int Run(string onnx, string output, string? inputText, string? classesPath)
    {
        if (Directory.Exists(onnx)) throw new UsageException($"--onnx {onnx} is a folder, not a file.");
        if (!File.Exists(onnx)) throw new UsageException($"--onnx {onnx}: the file does not exist.");
        if (Directory.Exists(output)) throw new UsageException($"--out {output} is a folder, not a file.");
        SafeFile.CheckWritable(output);   // before reading: a path that cannot be written fails at once
        var options = new OnnxImportOptions
        {
            InputShape = inputText is null ? null : CliSupport.ParseShape(inputText, "--input"),
            ClassNames = classesPath is null ? null : ReadClasses(classesPath),
        };
        OnnxImportResult result = OnnxImporter.Import(onnx, options);
        var network = result.Network;
        network.Save(output);
        foreach (string note in result.Notes) Console.WriteLine($"note: {note}");
        Console.WriteLine($"wrote {TerminalText.Clean(output)}: {network.Layers.Count} layers, {network.ParameterCount:N0} parameters, input " +
                          CliSupport.FormatShape(network.Layers[0].InputSampleShape) +
                          (network.Normalization is { } n ? $" raw 0-255 pixels, normalisation {n}" : ", no normalisation: evaluate and predict feed it raw 0-255 pixels") +
                          (network.ClassNames is { Count: > 0 } names ? $", {names.Count} class names" : ", no class names (give --classes FILE)"));
        return ExitCodes.Success;
    }

    private static string[] ReadClasses(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--classes {path}: the file does not exist.");
        byte[] bytes = CliSupport.ReadAtMost(path, MaxClassesBytes) ?? throw new UsageException($"--classes {path} is larger than 1 MB; it should hold one class name per line.");
        string[] names = System.Text.Encoding.UTF8.GetString(bytes).Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToArray();
        int last = Array.FindLastIndex(names, n => n.Length > 0);
        names = names[..(last + 1)];
        if (names.Length == 0 || names.Any(n => n.Length == 0))
            throw new UsageException($"--classes {path} must hold one non-empty class name per line.");
        return names;
    }
}
