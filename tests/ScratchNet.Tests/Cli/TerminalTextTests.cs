namespace ScratchNet.Tests.Cli;

/// <summary>Text from files is printed with its control characters, line breaks and bidi overrides made visible.</summary>
public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("Ankle boot", "Ankle boot")]
    [InlineData("靴 👟 — Ärmel", "靴 👟 — Ärmel")]
    [InlineData("a\u001b[31mb", "a\\u001B[31mb")]
    [InlineData("line\nerror: forged\r", "line\\u000Aerror: forged\\u000D")]
    [InlineData("tab\there\u007f\u0085", "tab\\u0009here\\u007F\\u0085")]
    [InlineData("gnp.\u202Eexe", "gnp.\\u202Eexe")]
    [InlineData("x\u2028y\u2066z", "x\\u2028y\\u2066z")]
    public void Clean_EscapesWhatCouldControlTheTerminal(string text, string expected) =>
        Assert.Equal(expected, ScratchNet.Cli.TerminalText.Clean(text));
}
