namespace ScratchNet.Cli;

/// <summary>
/// What <c>evaluate</c> prints after the accuracy: per-class precision and recall, and the confusion matrix. Up to
/// <see cref="MaxPrintedClasses"/> classes both are printed whole; beyond, a matrix of classes² numbers would
/// flood the terminal (3,000 classes printed 50 MB), so only the classes with the lowest recall are listed
/// and the full figures are left to the <c>--metrics</c> JSON file.
/// </summary>
internal static class EvaluationTables
{
    /// <summary>The most classes whose per-class table and confusion matrix are printed whole.</summary>
    public const int MaxPrintedClasses = 30;

    /// <summary>How many classes a summary lists: those with test images and the lowest recall.</summary>
    public const int WorstClassesListed = 10;

    /// <summary>Writes the tables to the console; <paramref name="metricsPath"/> is the --metrics file, if any.</summary>
    public static void Write(IReadOnlyList<EvaluateCommand.ClassFigures> perClass, int[,] confusion, string? metricsPath)
    {
        metricsPath = metricsPath is null ? null : TerminalText.Clean(metricsPath); // class names and paths come from files and users
        int classes = perClass.Count;
        bool whole = classes <= MaxPrintedClasses;
        // Classes without test images have no recall to speak of; ties keep the class order.
        var listed = whole ? perClass
            : perClass.Where(p => p.Support > 0).OrderBy(p => p.Recall).ThenBy(p => p.Index).Take(WorstClassesListed).ToArray();
        string whereAll = metricsPath is null ? "add --metrics FILE to write them all as JSON" : $"all are in {metricsPath}";
        if (!whole)
            Console.WriteLine($"{classes} classes: the {listed.Count} with test images and the lowest recall ({whereAll})");
        Console.Write(CliSupport.Table(["class", "precision", "recall", "images"],
            listed.Select(p => (IReadOnlyList<string>)[$"{p.Index} {TerminalText.Clean(p.Class)}", $"{p.Precision:F4}", $"{p.Recall:F4}", p.Support.ToString()]),
            new HashSet<int> { 1, 2, 3 }));
        Console.WriteLine();
        if (!whole)
        {
            string where = metricsPath is null ? "add --metrics FILE to write it as JSON" : $"it is in {metricsPath}";
            Console.WriteLine($"confusion matrix: {classes}×{classes} is too large to print ({where})");
            return;
        }
        Console.WriteLine("confusion matrix (rows: true class, columns: predicted class)");
        var header = new List<string> { "true \\ predicted" };
        header.AddRange(Enumerable.Range(0, classes).Select(i => i.ToString()));
        Console.Write(CliSupport.Table(header,
            Enumerable.Range(0, classes).Select(r => (IReadOnlyList<string>)[$"{r} {TerminalText.Clean(perClass[r].Class)}", .. Enumerable.Range(0, classes).Select(c => confusion[r, c].ToString())]),
            Enumerable.Range(1, classes).ToHashSet()));
    }
}
