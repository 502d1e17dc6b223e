using ScratchNet.Cli;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// Runs the `scratchnet` command line in this process (<see cref="ScratchNetCommand.Run"/>), with the console
/// captured: much faster than a process per run, for tests that run hundreds of commands. The console is global,
/// so the tests that use this belong to the <see cref="InProcessCliCollection"/>, which runs alone.
/// </summary>
internal static class InProcessCli
{
    /// <summary>The exit code, stdout and stderr of `scratchnet <paramref name="arguments"/>`.</summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] arguments)
    {
        TextWriter output = Console.Out, error = Console.Error;
        var capturedOutput = new StringWriter();
        var capturedError = new StringWriter();
        Console.SetOut(capturedOutput);
        Console.SetError(capturedError);
        try
        {
            int code = ScratchNetCommand.Run(arguments);
            return (code, capturedOutput.ToString(), capturedError.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }
}

/// <summary>Tests that redirect the console run in this collection, never alongside other tests.</summary>
[CollectionDefinition(nameof(InProcessCliCollection), DisableParallelization = true)]
public sealed class InProcessCliCollection;
