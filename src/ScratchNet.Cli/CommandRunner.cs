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
        catch (Exception e) when (e is UsageException or DataFormatException or DataNotFoundException)
        {
            // Bad input, arguments or data alike: the user has something to fix before running again.
            return Fail(e.Message, ExitCodes.BadArguments);
        }
        catch (Exception e) when (e is TrainingDivergedException
                                      or ShapeMismatchException or ModelFileException or Onnx.OnnxExportException or Onnx.OnnxImportException or IOException or UnauthorizedAccessException)
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
        // Escaped, so always one line: messages quote file contents (tensor names, metadata), and some .NET messages
        // add a line of their own ("Actual value was …").
        Console.Error.WriteLine($"error: {TerminalText.Clean(message)}");
        return code;
    }
}

/// <summary>A bad command-line value; the message says which and what is allowed.</summary>
internal sealed class UsageException(string message) : Exception(message);
