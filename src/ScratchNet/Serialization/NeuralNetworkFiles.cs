using ScratchNet.Training;

namespace ScratchNet.Serialization;

/// <summary>
/// <c>network.Save(path)</c> and <c>NeuralNetwork.Load(path)</c>: <see cref="ModelFile"/>'s two entry points as
/// members of <see cref="NeuralNetwork"/> (C# 14 extension members; <c>using ScratchNet.Serialization;</c> brings them
/// in). They live here, not in <see cref="NeuralNetwork"/>, so that the dependency runs one way: files know the
/// network, the network knows nothing of files (docs/architecture.md).
/// </summary>
public static class NeuralNetworkFiles
{
    extension(NeuralNetwork network)
    {
        /// <summary>Saves the weights, architecture, normalisation and class names to one file (see <see cref="ModelFile.Save"/>).</summary>
        public void Save(string path, IReadOnlyDictionary<string, string>? trainingSettings = null) =>
            ModelFile.Save(network, path, trainingSettings);
    }

    extension(NeuralNetwork)
    {
        /// <summary>Loads a network saved by <c>Save</c> (see <see cref="ModelFile.Load"/>).</summary>
        public static NeuralNetwork Load(string path) => ModelFile.Load(path);
    }
}
