using ScratchNet.Data;
using ScratchNet.Operations;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>Runs a command and turns exceptions into one clear line on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (UsageException e)
        {
            return Fail(e.Message, ExitCodes.BadArguments);
        }
        catch (Exception e) when (e is DataFormatException or DataNotFoundException or TrainingDivergedException
                                      or ShapeMismatchException or ModelFileException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message, ExitCodes.Failure);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("SCRATCHNET_DEBUG") is null)
        {
            return Fail($"{e.Message} ({e.GetType().Name}; this is a bug in ScratchNet: set SCRATCHNET_DEBUG=1 for details and report it)", ExitCodes.Failure);
        }
    }

    private static int Fail(string message, int code)
    {
        // One line, whatever the message (some .NET messages add a second, "Actual value was …"), printed escaped:
        // messages quote file contents (tensor names, metadata).
        string oneLine = string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Console.Error.WriteLine($"error: {TerminalText.Clean(oneLine)}");
        return code;
    }
}

/// <summary>A bad command-line value; the message says which and what is allowed.</summary>
internal sealed class UsageException(string message) : Exception(message);
