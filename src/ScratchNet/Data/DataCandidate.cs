namespace ScratchNet.Data;

/// <summary>A folder where <see cref="DataLocator"/> looks for data, and what it found there.</summary>
/// <param name="Directory">The folder, as given.</param>
/// <param name="Source">Where the folder came from: <c>--data</c>, <c>SCRATCHNET_DATA</c> or <c>default</c>.</param>
/// <param name="Exists">Whether the folder exists.</param>
/// <param name="MissingFiles">The standard IDX file names the folder lacks in both plain and <c>.gz</c> form (all four when it does not exist).</param>
public sealed record DataCandidate(string Directory, string Source, bool Exists, IReadOnlyList<string> MissingFiles)
{
    /// <summary>Whether the folder exists and holds all four IDX files, so that data can be loaded from it.</summary>
    public bool IsComplete => Exists && MissingFiles.Count == 0;

    /// <summary>A one-line description, e.g. <c>/data (SCRATCHNET_DATA): does not exist</c>.</summary>
    public override string ToString() =>
        $"{Directory} ({Source}): " + (!Exists ? "does not exist"
            : IsComplete ? "found"
            : "lacks " + string.Join(", ", MissingFiles));
}
