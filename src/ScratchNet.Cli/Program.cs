using ScratchNet.Cli;

// The `scratchnet` command (ScratchNetCommand), run as a process.
return ScratchNetCommand.Run(args);
