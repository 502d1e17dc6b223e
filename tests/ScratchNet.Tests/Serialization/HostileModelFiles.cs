using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Tests.Serialization;

/// <summary>Model files written by hand, as an attacker would: any metadata, any tensors.</summary>
internal static class HostileModelFiles
{
    /// <summary>
    /// The file of issue 18 (a few hundred bytes) whose architecture asks for a dense layer of 250,000 units over a 28×28 input
    /// (800 MB of weights) while it holds no tensor at all.
    /// </summary>
    public static string HugeDenseWithoutWeights(string path) =>
        Write(path, Metadata("{\"loss\":\"softmax_cross_entropy\",\"layers\":[{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":250000}]}", "[1,28,28]"), []);

    /// <summary>
    /// The largest header accepted, filled as expensively as the limits allow: an architecture of ~6,000 layers,
    /// 4 Mi characters of class names, 16,384 empty tensors (none of which the network has) and a long string.
    /// </summary>
    public static string MaximalHeader(string path)
    {
        const string layer = "{\"type\":\"activation\",\"activation\":\"relu\"},";
        string architecture = "{\"layers\":[" + string.Concat(Enumerable.Repeat(layer, ModelFileChecks.MaxArchitectureLength / layer.Length - 1)) + "{\"type\":\"flatten\"}]}";
        Dictionary<string, string> metadata = Metadata(architecture, "[1,28,28]");
        metadata["class_names"] = System.Text.Json.JsonSerializer.Serialize(Enumerable.Repeat("0123456789", ModelFileChecks.MaxMetadataEntryLength / 13 - 1));
        var tensors = Enumerable.Range(0, SafeTensors.MaxTensors).Select(i => ($"t{i}", new Tensor(0))).ToList();
        Write(path, metadata, tensors);
        metadata["zz"] = new string('y', SafeTensors.MaxHeaderBytes - (int)new FileInfo(path).Length - 1024);
        return Write(path, metadata, tensors);
    }

    /// <summary>The entries every ScratchNet model file has, with <paramref name="architecture"/> and <paramref name="inputShape"/> as given.</summary>
    public static Dictionary<string, string> Metadata(string architecture, string inputShape) => new()
    {
        ["format"] = ModelFile.Format,
        ["format_version"] = ModelFile.Version.ToString(),
        ["architecture"] = architecture,
        ["input_shape"] = inputShape,
        ["seed"] = "1",
    };

    /// <summary>Writes a safetensors file of <paramref name="tensors"/> and <paramref name="metadata"/>; returns its path.</summary>
    public static string Write(string path, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<(string Name, Tensor Value)> tensors)
    {
        using (var stream = File.Create(path)) SafeTensors.Write(stream, tensors, metadata);
        return path;
    }

    /// <summary>Rewrites the model file at <paramref name="path"/> with its metadata changed by <paramref name="edit"/>.</summary>
    public static string EditMetadata(string path, Action<Dictionary<string, string>> edit)
    {
        var (metadata, tensors) = SafeTensors.Read(path);
        var changed = new Dictionary<string, string>(metadata);
        edit(changed);
        return Write(path, changed, tensors.Select(t => (t.Key, t.Value)).ToList());
    }

    /// <summary>Rewrites the model file at <paramref name="path"/> with one tensor's values replaced.</summary>
    public static string EditTensor(string path, string name, Action<Tensor> edit)
    {
        var (metadata, tensors) = SafeTensors.Read(path);
        edit(tensors[name]);
        return Write(path, metadata, tensors.Select(t => (t.Key, t.Value)).ToList());
    }

    /// <summary>Bytes the current thread allocates while <paramref name="action"/> runs (which may throw).</summary>
    public static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            action();
        }
        catch (ModelFileException)
        {
            // The refusal is the expected end; the caller checks it separately.
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>A small trained-shape network (conv, batch norm, pool, dense) saved with class names; its path.</summary>
    public static string SmallModel(string path, int classes = 3)
    {
        var network = new NeuralNetwork(
            [new Conv2D(2, 3), new BatchNorm(), new MaxPool2D(2), new Flatten(), new Dense(classes)],
            new SoftmaxCrossEntropy(), seed: 4);
        network.Build([1, 8, 8]);
        network.ClassNames = Enumerable.Range(0, classes).Select(i => $"class {i}").ToArray();
        network.Normalization = new Standardizer(10f, 20f);
        network.Save(path);
        return path;
    }
}
