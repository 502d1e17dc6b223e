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

    /// <summary>The file that is wrong.</summary>
    public string FilePath { get; }
}
