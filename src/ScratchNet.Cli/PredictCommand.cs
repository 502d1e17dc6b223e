using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScratchNet.Data;
using ScratchNet.Training;
using StbImageSharp;

namespace ScratchNet.Cli;

/// <summary>
/// <c>scratchnet predict</c>: classifies PNG or JPEG images with a saved model, printing the top classes
/// and their softmax probabilities.
/// </summary>
internal static class PredictCommand
{
    /// <summary>Images declaring more pixels than this are refused before decoding.</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>Image files larger than this are refused, read no further (a device such as /dev/zero has no end).</summary>
    public const int MaxFileBytes = 64 << 20;

    public static Command Create()
    {
        var modelFile = CommonOptions.ModelFile(required: true);
        var images = new Argument<string[]>("IMAGE") { Description = "PNG or JPEG files, any size (converted to grey and resized to the model's input)", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON: [{\"file\", \"predictions\": [{\"class\", \"index\", \"probability\"}]}]" };
        var top = new Option<int>("--top") { Description = "How many classes to list per image, most probable first", DefaultValueFactory = _ => 3 }.Positive();
        var invert = new Option<bool>("--invert") { Description = "Invert the grey levels (255 − v) for dark objects on a light background, such as photos of clothes on paper" };

        var command = new Command("predict",
            "Classify images with a saved model. Each image is decoded (PNG or JPEG), converted to grey (luma 0.299R + 0.587G + 0.114B, " +
            "transparent parts composited onto black), resized to the model's input height×width by area averaging, scaled 0..255 like the IDX data, " +
            "standardised with the model's own normalisation, and the softmax of the network's outputs gives the probabilities.\n\n" +
            "Polarity matters: Fashion-MNIST (and MNIST) images are light objects on a dark background. For a dark object on a light " +
            "background (an ordinary photo or scan) add --invert.\n\n" +
            "Every file is read before anything is printed; a missing, empty, damaged or non-PNG/JPEG file, or one declaring more than " +
            $"{MaxPixels / 1_000_000} megapixels, stops the command with an error.\n\n" +
            "Examples:\n  scratchnet predict --model-file model.safetensors shoe.png\n  scratchnet predict --model-file model.safetensors --invert --top 5 photo.jpg\n" +
            "  scratchnet predict --model-file model.safetensors --json *.png")
        {
            modelFile, images, json, top, invert,
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
        if (input is not [1, int height, int width])
            throw new UsageException($"predict handles models of grey images (input 1×H×W); the model {modelPath} takes {CliSupport.FormatShape(input)}.");
        int classes = CliSupport.OutputShapes(network.Layers, input)[^1] switch
        {
            [int n] => n,
            int[] other => throw new UsageException($"the model's output per image has shape {CliSupport.FormatShape(other)}; predict needs one score per class."),
        };

        // Decode everything first: a bad file fails the command before anything is printed.
        var batch = new Tensor(files.Length, 1, height, width);
        for (int i = 0; i < files.Length; i++)
        {
            float[] pixels = LoadGrey(files[i], height, width);
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
    /// Reads <paramref name="path"/> as a grey image of <paramref name="height"/>×<paramref name="width"/>, values 0..255.
    /// </summary>
    internal static float[] LoadGrey(string path, int height, int width)
    {
        if (Directory.Exists(path)) throw new UsageException($"{path} is a folder, not an image.");
        if (!File.Exists(path)) throw new UsageException($"{path}: the file does not exist.");
        byte[] bytes = CliSupport.ReadAtMost(path, MaxFileBytes) ?? throw new UsageException($"{path} is larger than {MaxFileBytes >> 20} MB, too large for an image to classify.");
        if (bytes.Length == 0) throw new UsageException($"{path} is empty (0 bytes), not a PNG or JPEG image.");
        bool png = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        bool jpeg = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
        if (!png && !jpeg) throw new UsageException($"{path} is not a PNG or JPEG image.");
        if (jpeg && !HasJpegFrameHeader(bytes))
            throw new UsageException($"{path} is not a PNG or JPEG image that can be decoded (a JPEG without a frame header: truncated or damaged).");

        // The size the header declares, checked before the decoder allocates anything for it.
        object? info = WithTimeout(HeaderTimeout, () =>
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return (object?)ImageInfo.FromStream(stream);
        }, out string? problem);
        if (info is not ImageInfo header) throw new UsageException($"{path} is not a PNG or JPEG image (its header cannot be read{problem}).");
        if (header.Width <= 0 || header.Height <= 0)
            throw new UsageException($"{path} declares a size of {header.Width}×{header.Height} pixels; an image needs at least one pixel.");
        if ((long)header.Width * header.Height > MaxPixels)
            throw new UsageException($"{path} declares {header.Width}×{header.Height} pixels, more than the {MaxPixels / 1_000_000} megapixels accepted.");

        ImageResult? image = WithTimeout(DecodeTimeout, () => ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha), out problem);
        if (image is null || image.Width <= 0 || image.Height <= 0 || image.Data is null || image.Data.Length < (long)image.Width * image.Height * 4)
            throw new UsageException($"{path} is not a PNG or JPEG image that can be decoded{problem}.");

        var grey = new float[image.Width * image.Height];
        byte[] rgba = image.Data;
        for (int i = 0; i < grey.Length; i++)
        {
            double luma = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
            grey[i] = (float)(luma * rgba[4 * i + 3] / 255.0); // alpha composited onto black
        }
        return BoxResize.Resize(grey, image.Height, image.Width, height, width);
    }

    /// <summary>
    /// Walks the JPEG markers from the start of <paramref name="bytes"/> to a start-of-frame marker (which holds the
    /// size). The decoder's own header scan does not always stop on a file truncated before it.
    /// </summary>
    internal static bool HasJpegFrameHeader(ReadOnlySpan<byte> bytes)
    {
        int i = 2; // after SOI (FF D8)
        while (i < bytes.Length)
        {
            if (bytes[i] != 0xFF) return false;
            while (i < bytes.Length && bytes[i] == 0xFF) i++; // fill bytes
            if (i >= bytes.Length) return false;
            byte marker = bytes[i++];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) return i + 7 <= bytes.Length; // SOFn and its size fields
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) continue; // markers without a length
            if (marker is 0xDA or 0xD9) return false; // scan data or end of image before any frame header
            if (i + 2 > bytes.Length) return false;
            int length = (bytes[i] << 8) | bytes[i + 1];
            if (length < 2) return false;
            i += length;
        }
        return false;
    }

    private static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(5), DecodeTimeout = TimeSpan.FromSeconds(60);

    // Runs the decoder on a worker thread: it throws on most damaged files, but on some truncated ones it never returns.
    // A decoder that has not finished in time is left behind (the process ends soon after) and counts as a failure.
    private static T? WithTimeout<T>(TimeSpan timeout, Func<T?> decode, out string? problem) where T : class
    {
        var task = Task.Run(decode);
        try
        {
            if (!task.Wait(timeout))
            {
                problem = $": the decoder did not finish within {timeout.TotalSeconds:F0} s, the file is probably damaged or truncated";
                return null;
            }
            problem = null;
            return task.Result;
        }
        catch (AggregateException e) when (e.InnerException is { } inner and not OutOfMemoryException)
        {
            problem = $" ({inner.Message.TrimEnd('.')})";
            return null;
        }
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
