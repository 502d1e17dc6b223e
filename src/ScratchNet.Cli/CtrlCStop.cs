namespace ScratchNet.Cli;

/// <summary>
/// While it lives, the first Ctrl-C asks the run to stop after the current batch (through <see cref="Token"/>)
/// instead of ending the process; a second one ends the process as usual.
/// </summary>
internal sealed class CtrlCStop : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    public CtrlCStop() => Console.CancelKeyPress += OnCancel;

    /// <summary>Cancelled once Ctrl-C was pressed.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether Ctrl-C was pressed.</summary>
    public bool Requested => _cancellation.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _cancellation.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_cancellation.IsCancellationRequested) return; // the second Ctrl-C: let the process end
        e.Cancel = true;
        _cancellation.Cancel();
        Console.Error.WriteLine("interrupt: finishing the current batch, then stopping (Ctrl-C again to abort)");
    }
}
