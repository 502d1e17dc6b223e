using System.Runtime.InteropServices;
using ScratchNet.Distributed;

namespace ScratchNet.Cli;

/// <summary>
/// Where every worker of a data-parallel run lives (machine and process id), exchanged at start-up, so that when the
/// run breaks the survivors can say which worker disappeared. When one process dies, mpirun ends the others with
/// SIGTERM within a second or two; <see cref="ReportTermination"/> turns that into an <c>error:</c> line naming it.
/// </summary>
internal sealed class WorkerProcesses
{
    private readonly (string Host, int Pid)[] _workers;
    private readonly int _rank;

    private WorkerProcesses((string Host, int Pid)[] workers, int rank) => (_workers, _rank) = (workers, rank);

    /// <summary>Every worker's machine and process id, the same list on every worker.</summary>
    public static WorkerProcesses Exchange(IWorkerGroup workers)
    {
        var all = new (string Host, int Pid)[workers.Size];
        string mine = $"{Environment.ProcessId} {Environment.MachineName}";
        for (int rank = 0; rank < workers.Size; rank++)
        {
            string[] text = WorkerAgreement.BroadcastText(workers, rank, rank == workers.Rank ? mine : "").Split(' ', 2);
            all[rank] = (text[1], int.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture));
        }
        return new WorkerProcesses(all, workers.Rank);
    }

    /// <summary>"rank 1 (process 4242 on node7)" for each worker on this machine whose process has gone; empty when none has (or they are elsewhere).</summary>
    public IReadOnlyList<string> Vanished() =>
        [.. _workers.Select((w, rank) => (w.Host, w.Pid, Rank: rank))
            .Where(w => w.Rank != _rank && w.Host == Environment.MachineName && !IsAlive(w.Pid))
            .Select(w => $"rank {w.Rank} (process {w.Pid} on {w.Host})")];

    /// <summary>What to tell the user when the run broke: who disappeared, and that the last checkpoint resumes.</summary>
    public string FailureMessage(string cause)
    {
        IReadOnlyList<string> vanished = Vanished();
        string who = vanished.Count > 0
            ? $"{string.Join(", ", vanished)} disappeared, and the run stopped"
            : $"the run stopped ({cause}); another process failed or the run was cancelled (mpirun's message names the process)";
        return $"{who}. The last checkpoint of --out DIR is intact: continue with 'scratchnet train --resume DIR', with any number of processes.";
    }

    /// <summary>
    /// Until disposed, SIGTERM (mpirun ending the job because a process failed) prints <see cref="FailureMessage"/> as an
    /// <c>error:</c> line and exits with code 1, instead of dying without a word.
    /// </summary>
    public IDisposable ReportTermination() => PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        Console.Error.WriteLine($"error: rank {_rank}: {TerminalText.Clean(FailureMessage("SIGTERM from mpirun"))}");
        Console.Error.Flush();
        // mpirun signals every rank at once. Were this one to vanish at once, a rank whose handler runs a little later
        // would take it for one that died: stay visible a moment (mpirun's SIGKILL follows after a second).
        Thread.Sleep(LingerAfterTermination);
        Environment.Exit(ExitCodes.Failure);
    });

    private static readonly TimeSpan LingerAfterTermination = TimeSpan.FromMilliseconds(500);

    // A process that has exited but not yet been reaped by mpirun is a zombie ('Z' in /proc/PID/stat): gone too.
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..] is not ['Z' or 'X', ..];
        }
        catch (IOException)
        {
            return false;
        }
    }
}
