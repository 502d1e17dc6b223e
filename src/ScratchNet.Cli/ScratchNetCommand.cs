using System.CommandLine;
using System.CommandLine.Help;

namespace ScratchNet.Cli;

/// <summary>
/// The `scratchnet` command: parses the arguments and runs the chosen subcommand. Every user error ends as one
/// line on stderr and a non-zero exit code; a stack trace is printed only for bugs, and only when SCRATCHNET_DEBUG is set.
/// </summary>
internal static class ScratchNetCommand
{
    // RootCommand would take its name from the assembly (ScratchNet.Cli); users type `scratchnet` (./scratchnet runs the DLL).
    private const string CommandName = "scratchnet";

    /// <summary>Runs the command line <paramref name="args"/> and returns the exit code (in-process, as tests do).</summary>
    public static int Run(string[] args)
    {
        var root = new Command(CommandName, "ScratchNet: a deep-learning framework for .NET built from first principles.")
        {
            new HelpOption(),
            new VersionOption(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            PredictCommand.Create(),
            SummaryCommand.Create(),
            ExportCommand.Create(),
            ImportCommand.Create(),
            GradCheckCommand.Create(),
            DatasetsCommand.Create(),
        };
        OptionChecks.RefuseEmptyText(root);

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string help = parsed.CommandResult.Command == root ? $"{CommandName} --help" : $"{CommandName} {parsed.CommandResult.Command.Name} --help";
            Console.Error.WriteLine($"error: {Message(parsed, root)} (see '{help}')");
            return ExitCodes.BadArguments;
        }
        return CommandRunner.Run(() => parsed.Invoke(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            // The console of the moment, so that output redirected in-process (tests) is captured.
            Output = Console.Out,
            Error = Console.Error,
        }));
    }

    // Without a known command the parser's first complaint is "Required command was not provided", even for a misspelt one.
    private static string Message(ParseResult parsed, Command root)
    {
        if (parsed.CommandResult.Command != root) return Readable(parsed.Errors[0].Message);
        string commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
        return parsed.UnmatchedTokens.Count > 0
            ? $"unknown command or option '{parsed.UnmatchedTokens[0]}'; the commands are {commands}."
            : $"give a command: {commands}.";
    }

    // The parser names .NET types ("System.Nullable`1[System.Int32]"); a user wants to read "a whole number".
    private static string Readable(string message) => System.Text.RegularExpressions.Regex.Replace(
        message, @"as expected type '[^']*(Int32|Single)[^']*'",
        m => m.Groups[1].Value == "Int32" ? "as a whole number" : "as a number");
}
