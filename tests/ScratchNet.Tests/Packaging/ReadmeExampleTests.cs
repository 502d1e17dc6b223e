using System.Text.RegularExpressions;
using ScratchNet.Data;
using ScratchNet.Models;
using ScratchNet.Onnx;
using ScratchNet.Training;
using static ScratchNet.Tests.Packaging.DotnetTool;

namespace ScratchNet.Tests.Packaging;

/// <summary>
/// Every C# block of the repository README is a complete program: each builds, unchanged, as a console app against the
/// packed library (the ONNX Runtime one with that package added), and those that do not train on the full data set also
/// run (the ONNX Runtime one on a seed-cnn exported next to it).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void EveryCSharpBlockOfTheReadme_Builds_AndTheQuickOnesRun()
    {
        IReadOnlyList<string> blocks = ReadmeExamples.CSharpBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")));
        Assert.True(blocks.Count >= 3, $"expected the README's three C# examples at least, found {blocks.Count}");
        string package = Pack(Path.Combine(_folder, "feed")), packages = Path.Combine(_folder, "packages");

        for (int i = 0; i < blocks.Count; i++)
        {
            string app = Path.Combine(_folder, $"example{i + 1}");
            bool onnxRuntime = blocks[i].Contains("using Microsoft.ML.OnnxRuntime;");
            WriteConsoleApp(app, package, packages, blocks[i], onnxRuntime ? [("Microsoft.ML.OnnxRuntime", "1.32.0")] : []);
            Build(app);
            // Examples that call Fit train for minutes on all of Fashion-MNIST: building them is the check here.
            if (blocks[i].Contains(".Fit(")) continue;
            // The deployment example runs the exported model it names, with class names as `scratchnet export` writes them.
            if (onnxRuntime) ExportSeedCnn(Path.Combine(app, "model.onnx"));
            var (code, output) = RunApp(app);
            Assert.True(code == 0, $"README C# block {i + 1}:\n{output}");
            if (blocks[i].Contains("report.Passed()"))
            {
                // The gradient-check example prints what its comments say it prints.
                string promised = Regex.Match(blocks[i], @"Console\.WriteLine\(report\);\s*// (.+)").Groups[1].Value.Trim();
                Assert.Equal([promised, "True"], output.Trim().Split('\n').Select(l => l.Trim()));
            }
            if (onnxRuntime) Assert.Contains(output.Trim(), ExportedClasses);
        }
    }

    private static readonly string[] ExportedClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static void ExportSeedCnn(string path)
    {
        NeuralNetwork network = ModelPreset.Find("seed-cnn").CreateNetwork(seed: 1);
        network.Build([1, 28, 28]);
        network.ClassNames = ExportedClasses;
        network.Normalization = Standardizer.Fit(new Tensor(Enumerable.Range(0, 2 * 784).Select(v => (float)(v % 256)).ToArray(), 2, 1, 28, 28));
        OnnxExporter.Export(network, path);
    }
}
