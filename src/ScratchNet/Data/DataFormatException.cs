namespace ScratchNet.Data;

/// <summary>
/// A data file exists but cannot be used: it is not in the expected format, is cut short, is
/// corrupt, or disagrees with the files it is loaded with. The message names the file, says what
/// is wrong and, where it helps, what to do; it is written to be shown to a user as it is.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file that is wrong.</param>
    /// <param name="problem">What is wrong, as one or more full sentences.</param>
    public DataFormatException(string filePath, string problem)
        : this(filePath, problem, null)
    {
    }

    /// <summary>Creates the exception for <paramref name="filePath"/>, caused by <paramref name="innerException"/>.</summary>
    /// <param name="filePath">The file that is wrong.</param>
    /// <param name="problem">What is wrong, as one or more full sentences.</param>
    /// <param name="innerException">The lower-level error that revealed the problem, if any.</param>
    public DataFormatException(string filePath, string problem, Exception? innerException)
        : base($"Data file '{filePath}' is not usable: {problem}", innerException)
    {
        FilePath = filePath;
    }

    private DataFormatException(string filePath, string message, bool _)
        : base(message)
    {
        FilePath = filePath;
    }

    /// <summary>
    /// The exception for a data folder as a whole (mixed image sizes, different class sets, a link loop):
    /// "Data folder '<paramref name="folder"/>' is not usable: <paramref name="problem"/>".
    /// </summary>
    public static DataFormatException ForFolder(string folder, string problem) =>
        new(folder, $"Data folder '{folder}' is not usable: {problem}", false);

    /// <summary>The file (or, from <see cref="ForFolder"/>, the folder) that is wrong.</summary>
    public string FilePath { get; }
}
