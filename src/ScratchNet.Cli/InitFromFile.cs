using ScratchNet.Data;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// <c>train --init-from FILE</c>: fine-tuning starts from a model file's layers and weights. The file's normalisation is
/// kept (its first layer's weights were learnt for it; new statistics would shift every input it sees), and a file
/// without one (an ONNX import without Sub/Div) keeps taking raw pixels (mean 0, std 1). The data's class names replace the file's.
/// </summary>
internal static class InitFromFile
{
    /// <summary>The network saved in <paramref name="path"/> (a model file or a checkpoint).</summary>
    public static NeuralNetwork Load(string path)
    {
        if (Directory.Exists(path)) throw new UsageException($"--init-from {path} is a folder, not a model file.");
        if (!File.Exists(path)) throw new UsageException($"--init-from {path}: the file does not exist.");
        return CliSupport.LoadModel(path);
    }

    /// <summary>The standardisation the fine-tuning run keeps: the file's own, or none (raw pixels) as a mean-0, std-1 one.</summary>
    public static Standardizer Normalization(NeuralNetwork network)
    {
        int channels = network.Layers[0].InputSampleShape[0];
        return network.Normalization ?? new Standardizer(new float[channels], Enumerable.Repeat(1f, channels).ToArray());
    }

    /// <summary>Refuses data whose images or classes the model does not take, saying what to change.</summary>
    public static void CheckFits(NeuralNetwork network, string path, IBatchSource train)
    {
        int[] input = network.Layers[0].InputSampleShape.ToArray();
        if (!input.SequenceEqual(train.SampleShape))
            throw new UsageException($"--init-from {path} takes images of {CliSupport.FormatShape(input)} but the data's are {CliSupport.FormatShape(train.SampleShape.ToArray())}; " +
                                     $"give --image-size {input[1]},{input[2]} --channels {input[0]} (or train a new model).");
        int[] output = network.OutputSampleShape(input);
        if (output is not [int classes] || classes != train.ClassNames.Count)
            throw new UsageException($"--init-from {path} gives {CliSupport.FormatShape(output)} outputs per image but the data has {train.ClassNames.Count} classes; " +
                                     "fine-tuning keeps the model's last layer, so the data needs one class per output.");
    }
}
