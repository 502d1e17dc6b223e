namespace ScratchNet.Data;

/// <summary>
/// Data that was asked for is not there: a data folder or file does not exist, a folder lacks some
/// of the files it needs, or no data folder was found at all. The message says where ScratchNet
/// looked and how to get the data; it is written to be shown to a user as it is.
/// </summary>
public sealed class DataNotFoundException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public DataNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the error that caused it.</summary>
    public DataNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
