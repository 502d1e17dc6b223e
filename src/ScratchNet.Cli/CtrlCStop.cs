using System.Runtime.InteropServices;

namespace ScratchNet.Cli;

/// <summary>
/// While it lives, the first Ctrl-C (SIGINT) or SIGTERM asks the run to stop after the current batch (through
/// <see cref="Token"/>) instead of ending the process; a second one ends the process as usual. SIGTERM counts
/// because it is how `kill`, systemd, Docker and batch schedulers stop a job, and a run stopped that way should
/// leave a checkpoint of its last batch, as Ctrl-C does.
/// </summary>
internal sealed class CtrlCStop : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration? _terminate;

    /// <param name="stopOnTerminate">
    /// False in a run started by mpirun: there SIGTERM means mpirun is ending the job (a process died, or Ctrl-C on
    /// mpirun), the other processes cannot finish the batch with this one, and <see cref="WorkerProcesses"/> reports it.
    /// </param>
    public CtrlCStop(bool stopOnTerminate = true)
    {
        Console.CancelKeyPress += OnCancel;
        // Windows has no SIGTERM to register; there Ctrl-C and Ctrl-Break arrive through CancelKeyPress.
        if (stopOnTerminate && !OperatingSystem.IsWindows())
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = Request("terminate signal"));
    }

    /// <summary>Cancelled once Ctrl-C or SIGTERM arrived.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether Ctrl-C or SIGTERM arrived.</summary>
    public bool Requested => _cancellation.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _terminate?.Dispose();
        _cancellation.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e) => e.Cancel = Request("interrupt");

    // True when this is the first request (the process keeps running to finish the batch); false for the second,
    // which lets the process end.
    private bool Request(string what)
    {
        if (_cancellation.IsCancellationRequested) return false;
        _cancellation.Cancel();
        Console.Error.WriteLine($"{what}: finishing the current batch, then stopping (Ctrl-C again to abort)");
        return true;
    }
}
