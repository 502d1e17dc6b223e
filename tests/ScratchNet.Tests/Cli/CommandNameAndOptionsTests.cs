using System.CommandLine;
using ScratchNet.Cli;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary>The command calls itself <c>scratchnet</c>, and options shared by several commands read the same in each.</summary>
public sealed class CommandNameAndOptionsTests
{
    [Fact]
    public void Help_NamesTheCommandAsUsersTypeIt()
    {
        var result = Run("--help");

        AssertSuccess(result);
        Assert.Contains("Usage:\n  scratchnet [command] [options]", result.Output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("ScratchNet.Cli", result.Output);
    }

    [Theory]
    [InlineData("trian", "unknown command or option 'trian'; the commands are train, evaluate, predict, summary, export, import, gradcheck, datasets.")]
    [InlineData(null, "give a command: train, evaluate")]
    public void UnknownOrMissingCommand_SaysWhichCommandsThereAre(string? command, string expected)
    {
        var result = command is null ? Run() : Run(command);

        AssertOneError(result, 2, expected);
        Assert.EndsWith("(see 'scratchnet --help')", result.Error.Trim());
    }

    [Fact]
    public void ParseError_PointsAtTheCommandsHelp()
    {
        var result = Run("evaluate", "--threads", "0");

        AssertOneError(result, 2, "(see 'scratchnet evaluate --help')");
    }

    [Fact]
    public void SharedOptions_HaveOneDescriptionAndDefault()
    {
        Command[] commands = [TrainCommand.Create(), EvaluateCommand.Create(), PredictCommand.Create(), SummaryCommand.Create(), ExportCommand.Create(), GradCheckCommand.Create(), DatasetsCommand.Create()];
        var expected = new Dictionary<string, Option>
        {
            ["--model"] = CommonOptions.Model(), ["--spec"] = CommonOptions.Spec(), ["--seed"] = CommonOptions.Seed(),
            ["--threads"] = CommonOptions.Threads(), ["--data"] = CommonOptions.Data(), ["--model-file"] = CommonOptions.ModelFile(required: false),
        };
        int uses = 0;
        foreach (Command command in commands)
            foreach (Option option in command.Options.Where(o => expected.ContainsKey(o.Name)))
            {
                uses++;
                Assert.True(expected[option.Name].Description == option.Description, $"{command.Name} {option.Name}: '{option.Description}'");
            }
        // train: model, spec, seed, threads, data; evaluate: model-file, data, seed, threads; predict: model-file;
        // summary: model, model-file, spec; export: model-file; gradcheck: model, spec, seed; datasets: data.
        Assert.Equal(18, uses);
    }
}
