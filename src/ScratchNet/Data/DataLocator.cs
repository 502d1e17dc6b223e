namespace ScratchNet.Data;

/// <summary>
/// Finds the data folder. The places, in order: the folder given explicitly (the <c>--data DIR</c>
/// option), the <c>SCRATCHNET_DATA</c> environment variable, then <see cref="DefaultDirectory"/>,
/// where the Debian/Ubuntu package <c>dataset-fashion-mnist</c> installs Fashion-MNIST. A folder
/// counts only when it holds the four standard IDX files (see <see cref="IdxDatasetLoader"/>).
/// </summary>
public static class DataLocator
{
    /// <summary>The environment variable that names a data folder.</summary>
    public const string EnvironmentVariable = "SCRATCHNET_DATA";

    /// <summary>The folder used when none is given.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The data folder to use, as a full path. A folder the user chose (explicitly or through
    /// <c>SCRATCHNET_DATA</c>) must be complete: rather than silently falling back to another data set,
    /// a wrong choice is reported.
    /// </summary>
    /// <param name="explicitDirectory">The folder given with <c>--data</c>, or null.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when null.</param>
    /// <exception cref="DataNotFoundException">
    /// The chosen folder does not exist or lacks files, or nothing was chosen and the default folder is
    /// not complete. The message says where it looked and how to get the data.
    /// </exception>
    public static string Locate(string? explicitDirectory, Func<string, string?>? getEnvironmentVariable = null) =>
        Locate(explicitDirectory, getEnvironmentVariable, DefaultDirectory);

    /// <summary>
    /// The folders <see cref="Locate(string?, Func{string, string?}?)"/> considers, in order, and what each holds:
    /// the explicit folder when given, the <c>SCRATCHNET_DATA</c> folder when set, and always the default.
    /// </summary>
    /// <param name="explicitDirectory">The folder given with <c>--data</c>, or null.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when null.</param>
    public static IReadOnlyList<DataCandidate> SearchOrder(string? explicitDirectory, Func<string, string?>? getEnvironmentVariable = null) =>
        SearchOrder(explicitDirectory, getEnvironmentVariable, DefaultDirectory);

    /// <summary><see cref="Locate(string?, Func{string, string?}?)"/> with another default folder, for tests.</summary>
    internal static string Locate(string? explicitDirectory, Func<string, string?>? getEnvironmentVariable, string defaultDirectory)
    {
        var candidates = SearchOrder(explicitDirectory, getEnvironmentVariable, defaultDirectory);
        var first = candidates[0];
        if (first.IsComplete)
            return Path.GetFullPath(first.Directory);
        string problem = first.Exists ? $"lacks {string.Join(", ", first.MissingFiles)}" : "does not exist";
        if (first.Source == "default")
            throw new DataNotFoundException(
                $"No data found: neither --data nor {EnvironmentVariable} names a folder, and the default folder " +
                $"'{first.Directory}' {problem}. {HowToGetData(defaultDirectory)}");
        string origin = first.Source == "--data" ? "given with --data" : $"from {EnvironmentVariable}";
        throw new DataNotFoundException($"Data folder '{first.Directory}' ({origin}) {problem}. {HowToGetData(defaultDirectory)}");
    }

    /// <summary><see cref="SearchOrder(string?, Func{string, string?}?)"/> with another default folder, for tests.</summary>
    internal static IReadOnlyList<DataCandidate> SearchOrder(string? explicitDirectory, Func<string, string?>? getEnvironmentVariable, string defaultDirectory)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var candidates = new List<DataCandidate>();
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
            candidates.Add(Inspect(explicitDirectory, "--data"));
        string? fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            candidates.Add(Inspect(fromEnvironment, EnvironmentVariable));
        candidates.Add(Inspect(defaultDirectory, "default"));
        return candidates;
    }

    private static DataCandidate Inspect(string directory, string source)
    {
        bool exists = Directory.Exists(directory);
        var missing = exists ? IdxDatasetLoader.MissingFiles(directory) : [.. IdxDatasetLoader.FileNames];
        return new DataCandidate(directory, source, exists, missing);
    }

    private static string HowToGetData(string defaultDirectory) =>
        $"To get Fashion-MNIST on Debian/Ubuntu, run 'sudo apt-get install dataset-fashion-mnist' (it installs to {defaultDirectory}). " +
        $"Or point --data DIR or {EnvironmentVariable} to a folder holding the four IDX files " +
        $"{string.Join(", ", IdxDatasetLoader.FileNames)} (each plain or gzipped with a .gz suffix).";
}
