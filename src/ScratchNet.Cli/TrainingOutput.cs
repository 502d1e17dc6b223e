using Spectre.Console;
using ScratchNet.Training;

namespace ScratchNet.Cli;

/// <summary>
/// What `train` shows while it works: a live progress bar and table in a terminal, plain lines when
/// the output goes to a file or a CI log, or only the final figure with --quiet.
/// </summary>
internal abstract class TrainingOutput
{
    public static TrainingOutput Create(bool quiet) =>
        quiet ? new QuietOutput()
        : Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? new PlainOutput()
        : new LiveOutput();

    /// <summary>Shows nothing at all: the output of the workers other than rank 0 in a run started by mpirun.</summary>
    public static TrainingOutput Silent { get; } = new SilentOutput();

    /// <summary>One line of set-up information ("data", "model", …).</summary>
    public virtual void Info(string label, string text) => Console.WriteLine($"{label,-8} {TerminalText.Clean(text)}");

    /// <summary>Runs <paramref name="fit"/> while showing the trainer's progress.</summary>
    public abstract IReadOnlyList<EpochResult> Run(Trainer trainer, int epochs, Func<IReadOnlyList<EpochResult>> fit);

    /// <summary>The test figure at the end.</summary>
    public virtual void Result(string text) => Console.WriteLine(text);

    public static string FormatEpoch(EpochResult r, int epochs)
    {
        string train = r.TrainAccuracy is { } a ? $"  train acc {a:F4}" : "";
        string validation = r.ValidationLoss is { } loss ? $"  val loss {loss:F4}  val acc {r.ValidationAccuracy:F4}" : "";
        return $"epoch {r.Epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  train loss {r.TrainLoss:F4}{train}{validation}  {r.Seconds:F1} s  {r.ImagesPerSecond:F0} img/s";
    }

    private sealed class PlainOutput : TrainingOutput
    {
        public override IReadOnlyList<EpochResult> Run(Trainer trainer, int epochs, Func<IReadOnlyList<EpochResult>> fit)
        {
            void Print(EpochResult r) => Console.WriteLine(FormatEpoch(r, epochs));
            trainer.EpochCompleted += Print;
            try
            {
                return fit();
            }
            finally
            {
                trainer.EpochCompleted -= Print;
            }
        }
    }

    private sealed class SilentOutput : TrainingOutput
    {
        public override void Info(string label, string text)
        {
        }

        public override void Result(string text)
        {
        }

        public override IReadOnlyList<EpochResult> Run(Trainer trainer, int epochs, Func<IReadOnlyList<EpochResult>> fit) => fit();
    }

    private sealed class QuietOutput : TrainingOutput
    {
        public override void Info(string label, string text)
        {
        }

        public override IReadOnlyList<EpochResult> Run(Trainer trainer, int epochs, Func<IReadOnlyList<EpochResult>> fit) => fit();
    }

    /// <summary>A progress bar per epoch (batches, running loss and accuracy, images/s, time left), then a table of all epochs.</summary>
    private sealed class LiveOutput : TrainingOutput
    {
        public override void Info(string label, string text) =>
            AnsiConsole.MarkupLine($"[grey]{label,-8}[/] {Markup.Escape(TerminalText.Clean(text))}");

        public override void Result(string text) => AnsiConsole.MarkupLine($"[bold green]{Markup.Escape(text)}[/]");

        public override IReadOnlyList<EpochResult> Run(Trainer trainer, int epochs, Func<IReadOnlyList<EpochResult>> fit)
        {
            IReadOnlyList<EpochResult> history = [];
            AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                         new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    ProgressTask? task = null;
                    int width = epochs.ToString().Length;
                    void OnBatch(BatchProgress p)
                    {
                        task ??= context.AddTask($"epoch {p.Epoch.ToString().PadLeft(width)}/{epochs}", maxValue: p.Batches);
                        task.Value = p.Batch;
                        if (p.Batch % 10 == 0 || p.Batch == p.Batches)
                            task.Description = $"epoch {p.Epoch.ToString().PadLeft(width)}/{epochs}  loss {p.RunningLoss:F4}  acc {p.RunningAccuracy:F4}  {p.Images / Math.Max(p.Seconds, 1e-9):F0} img/s";
                    }
                    void OnEpoch(EpochResult r)
                    {
                        task ??= context.AddTask("", maxValue: 1);
                        string validation = r.ValidationAccuracy is { } acc ? $"  [green]val acc {acc:F4}[/]  val loss {r.ValidationLoss:F4}" : "";
                        task.Description = $"epoch {r.Epoch.ToString().PadLeft(width)}/{epochs}  loss {r.TrainLoss:F4}  acc {r.TrainAccuracy:F4}{validation}";
                        task.Value = task.MaxValue;
                        task.StopTask();
                        task = null;
                    }
                    trainer.BatchCompleted += OnBatch;
                    trainer.EpochCompleted += OnEpoch;
                    try
                    {
                        history = fit();
                    }
                    finally
                    {
                        trainer.BatchCompleted -= OnBatch;
                        trainer.EpochCompleted -= OnEpoch;
                    }
                });
            if (history.Count > 0) AnsiConsole.Write(Summary(history));
            return history;
        }

        private static Table Summary(IReadOnlyList<EpochResult> history)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]training[/]");
            foreach (string column in (string[])["epoch", "train loss", "train acc", "val loss", "val acc", "seconds", "images/s"])
                table.AddColumn(new TableColumn(column).RightAligned());
            double best = history.Max(r => r.ValidationAccuracy ?? double.NegativeInfinity);
            foreach (EpochResult r in history)
            {
                string accuracy = r.ValidationAccuracy is { } a ? (a == best ? $"[bold green]{a:F4}[/]" : $"{a:F4}") : "–";
                table.AddRow(r.Epoch.ToString(), $"{r.TrainLoss:F4}", r.TrainAccuracy is { } t ? $"{t:F4}" : "–",
                    r.ValidationLoss is { } l ? $"{l:F4}" : "–", accuracy, $"{r.Seconds:F1}", $"{r.ImagesPerSecond:F0}");
            }
            return table;
        }
    }
}
