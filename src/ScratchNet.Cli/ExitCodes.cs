namespace ScratchNet.Cli;

/// <summary>The process exit codes of the command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    /// <summary>Bad input to fix before running again: arguments, or data that is missing or malformed.</summary>
    public const int BadArguments = 2;
    public const int Interrupted = 130;
}
