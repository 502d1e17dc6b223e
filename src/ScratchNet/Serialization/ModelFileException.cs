namespace ScratchNet.Serialization;

/// <summary>A model file or model specification that cannot be used; the message names the file and the problem.</summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with a description of <paramref name="problem"/>.</summary>
    public ModelFileException(string path, string problem, Exception? inner = null)
        : base($"Model file '{path}' cannot be used: {problem}", inner)
    {
        FilePath = path;
    }

    /// <summary>The file (or source name) that was read.</summary>
    public string FilePath { get; }
}
