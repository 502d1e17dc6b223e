using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScratchNet.Data;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// <c>scratchnet predict</c>: classifies PNG, JPEG or BMP images with a saved model, printing the top classes
/// and their softmax probabilities.
/// </summary>
internal static class PredictCommand
{
    /// <summary>Image files larger than this are refused unread: predict classifies a few photos, not archives.</summary>
    public const int MaxFileBytes = 64 << 20;

    public static Command Create()
    {
        var modelFile = CommonOptions.ModelFile(required: true);
        var images = new Argument<string[]>("IMAGE") { Description = "PNG, JPEG or BMP files, any size (converted to the model's channels and resized to its input)", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON: [{\"file\", \"predictions\": [{\"class\", \"index\", \"probability\"}]}]" };
        var top = new Option<int>("--top") { Description = "How many classes to list per image, most probable first", DefaultValueFactory = _ => 3 }.Positive();
        var invert = new Option<bool>("--invert") { Description = "Invert the grey levels (255 − v) for dark objects on a light background, such as photos of clothes on paper" };

        var command = new Command("predict",
            "Classify images with a saved model. Each image is decoded (PNG, JPEG or BMP), converted to the model's channels (for a grey model " +
            "the luma 0.299R + 0.587G + 0.114B; for a colour model grey is repeated in R, G and B; transparent parts composited onto black), " +
            "resized to the model's input height×width (area averaging when shrinking, bilinear when enlarging), scaled 0..255 like the training data, " +
            "standardised with the model's own normalisation, and the softmax of the network's outputs gives the probabilities.\n\n" +
            "Polarity matters: Fashion-MNIST (and MNIST) images are light objects on a dark background. For a dark object on a light " +
            "background (an ordinary photo or scan) add --invert.\n\n" +
            "Every file is read before anything is printed; a missing, empty, damaged or non-image file, or one declaring more than " +
            $"{ImageDecoder.MaxPixels / 1_000_000} megapixels, stops the command with an error.\n\n" +
            "Examples:\n  scratchnet predict --model-file model.safetensors shoe.png\n  scratchnet predict --model-file model.safetensors --invert --top 5 photo.jpg\n" +
            "  scratchnet predict --model-file model.safetensors --json *.png")
        {
            modelFile, images, json, top, invert, CommonOptions.Plugin(),
        };
        command.SetAction(result => Run(result.GetValue(modelFile)!, result.GetValue(images)!, result.GetValue(json), result.GetValue(top), result.GetValue(invert)));
        return command;
    }

    private static int Run(string modelPath, string[] files, bool json, int top, bool invert)
    {
        NeuralNetwork network = CliSupport.LoadModel(modelPath);
        Standardizer normalization = network.Normalization
            ?? throw new UsageException($"the model file {modelPath} holds no input normalisation (mean and std of the training images), so images cannot be prepared as in training.");
        int[] input = network.Layers[0].InputSampleShape.ToArray();
        if (input is not [int channels and (1 or 3), int height, int width])
            throw new UsageException($"predict handles models of grey or colour images (input 1×H×W or 3×H×W); the model {modelPath} takes {CliSupport.FormatShape(input)}.");
        int classes = network.OutputSampleShape(input) switch
        {
            [int n] => n,
            int[] other => throw new UsageException($"the model's output per image has shape {CliSupport.FormatShape(other)}; predict needs one score per class."),
        };

        // Decode everything first: a bad file fails the command before anything is printed.
        var batch = new Tensor(files.Length, channels, height, width);
        for (int i = 0; i < files.Length; i++)
        {
            float[] pixels = Load(files[i], channels, height, width);
            if (invert)
                for (int p = 0; p < pixels.Length; p++) pixels[p] = 255f - pixels[p];
            normalization.ApplyInPlace(pixels, height * width);
            pixels.CopyTo(batch.Span.Slice(i * pixels.Length, pixels.Length));
        }
        Tensor logits = network.Predict(batch);

        int k = Math.Min(top, classes);
        var results = new List<ImagePredictions>();
        for (int i = 0; i < files.Length; i++)
        {
            double[] probabilities = Softmax(logits.Span.Slice(i * classes, classes));
            var ranked = Enumerable.Range(0, classes).OrderByDescending(c => probabilities[c]).ThenBy(c => c).Take(k)
                .Select(c => new Prediction(ClassName(network, c), c, probabilities[c])).ToArray();
            results.Add(new ImagePredictions(files[i], ranked));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }
        foreach (ImagePredictions r in results)
        {
            Console.WriteLine(TerminalText.Clean(r.File));
            Console.Write(CliSupport.Table(["rank", "class", "index", "probability"],
                r.Predictions.Select((p, n) => (IReadOnlyList<string>)[(n + 1).ToString(), TerminalText.Clean(p.Class), p.Index.ToString(), $"{p.Probability:F4}"]),
                new HashSet<int> { 0, 2, 3 }, indent: "  "));
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// Reads <paramref name="path"/> as an image of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// (CHW, values 0..255): decoded and converted by <see cref="ImageDecoder"/>, resized by <see cref="ImageResizer"/>.
    /// </summary>
    internal static float[] Load(string path, int channels, int height, int width)
    {
        if (Directory.Exists(path)) throw new UsageException($"{path} is a folder, not an image.");
        if (!File.Exists(path)) throw new UsageException($"{path}: the file does not exist.");
        // A device reports length 0 and is refused by the decoder, unopened (/dev/zero has no end).
        if (new FileInfo(path).Length > MaxFileBytes) throw new UsageException($"{path} is larger than {MaxFileBytes >> 20} MB, too large for an image to classify.");
        DecodedImage image = ImageDecoder.Decode(path, channels);
        if (image.Height == height && image.Width == width) return image.Pixels;
        var resized = new float[channels * height * width];
        ImageResizer.Resize(image.Pixels, channels, image.Height, image.Width, resized, height, width);
        return resized;
    }

    /// <summary>Softmax in double, shifted by the largest value so that exp never overflows.</summary>
    internal static double[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        var result = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += result[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < result.Length; i++) result[i] /= sum;
        return result;
    }

    private static string ClassName(NeuralNetwork network, int index) =>
        network.ClassNames is { } names && index < names.Count ? names[index] : index.ToString();

    internal sealed record Prediction(
        [property: JsonPropertyName("class")] string Class,
        [property: JsonPropertyName("index")] int Index,
        [property: JsonPropertyName("probability")] double Probability);

    internal sealed record ImagePredictions(
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("predictions")] IReadOnlyList<Prediction> Predictions);
}
