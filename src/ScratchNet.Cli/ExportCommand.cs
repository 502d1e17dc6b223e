using System.CommandLine;
using ScratchNet.Onnx;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary><c>scratchnet export</c>: writes a model file as ONNX (<see cref="OnnxExporter"/>) for other runtimes.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var modelFile = CommonOptions.ModelFile(required: true);
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file to write (model.onnx)", Required = true };
        var noNormalization = new Option<bool>("--no-normalization")
        {
            Description = "Leave the model's standardisation out of the graph: it then takes standardised input, not raw 0-255 pixels",
        };
        var probabilities = new Option<bool>("--probabilities")
        {
            Description = "End the graph with a Softmax: its output \"probabilities\" instead of \"logits\"",
        };
        var command = new Command("export",
            "Write a model file as ONNX (IR version 8, opset 17) for ONNX Runtime, ML.NET, browsers, phones and Python: input \"input\" " +
            "[N, C, H, W] float32 with any batch size N, output \"logits\" [N, classes]. By default the graph starts with the model's " +
            "standardisation, so it takes raw 0-255 pixels as predict reads them; the class names are in the metadata (\"class_names\", JSON). " +
            "See docs/onnx.md.\n\n" +
            "Examples:\n  scratchnet export --model-file runs/x/model.safetensors --onnx model.onnx\n" +
            "  scratchnet export --model-file model.safetensors --onnx model.onnx --probabilities")
        {
            modelFile, onnx, noNormalization, probabilities, CommonOptions.Plugin(),
        };
        command.SetAction(result => Run(result.GetValue(modelFile)!, result.GetValue(onnx)!, result.GetValue(noNormalization), result.GetValue(probabilities)));
        return command;
    }

    private static int Run(string modelFile, string onnx, bool noNormalization, bool probabilities)
    {
        if (Directory.Exists(onnx)) throw new UsageException($"--onnx {onnx} is a folder, not a file.");
        SafeFile.CheckWritable(onnx);   // before loading: a path that cannot be written fails at once
        NeuralNetwork network = CliSupport.LoadModel(modelFile);
        var options = new OnnxExportOptions { IncludeNormalization = !noNormalization, Probabilities = probabilities };
        OnnxExporter.Export(network, onnx, options);
        bool normalized = options.IncludeNormalization && network.Normalization is not null;
        Console.WriteLine($"wrote {TerminalText.Clean(onnx)}: input [N, {string.Join(", ", network.Layers[0].InputSampleShape.ToArray())}] " +
                          (normalized ? "raw 0-255 pixels" : "standardised") + $", output {(probabilities ? "probabilities" : "logits")}" +
                          (network.ClassNames is { Count: > 0 } names ? $", {names.Count} class names" : ""));
        return ExitCodes.Success;
    }
}
