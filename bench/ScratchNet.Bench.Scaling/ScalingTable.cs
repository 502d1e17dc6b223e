using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ScratchNet.Bench.Scaling;

/// <summary>
/// Runs 1 process × 1 thread, 2 processes × 1 thread (mpirun on this machine) and 1 process × 2 threads for each model,
/// each in fresh processes, one after the other, and prints them side by side.
/// </summary>
internal static class ScalingTable
{
    private static readonly (int Processes, int Threads)[] Configurations = [(1, 1), (2, 1), (1, 2)];

    public static int Run(BenchArguments a)
    {
        string[] models = a.Text("models", "fashion-cnn,fashion-resnet").Split(',');
        string batches = a.Text("batches", "40"), warmup = a.Text("warmup", "5");
        Console.WriteLine("| model | processes × threads | images/s | ms per step | all-reduce share of a step | speed-up over 1 × 1 |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (string model in models)
        {
            double? single = null;
            foreach (var (processes, threads) in Configurations)
            {
                JsonElement r = Measure(processes, ["--worker", "--model", model, "--threads", $"{threads}", "--batches", batches, "--warmup", warmup]);
                double rate = r.GetProperty("images_per_second").GetDouble();
                single ??= rate;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {model} | {processes} × {threads} | {rate:F0} | {r.GetProperty("step_ms").GetDouble():F1} | " +
                    $"{(processes > 1 ? $"{100 * r.GetProperty("allreduce_share").GetDouble():F1} %" : "–")} | {rate / single:F2} |"));
            }
        }
        return 0;
    }

    // Starts this program's worker mode alone or under mpirun and reads rank 0's JSON line.
    private static JsonElement Measure(int processes, string[] workerArguments)
    {
        string self = typeof(ScalingTable).Assembly.Location;
        string[] command = processes == 1
            ? ["dotnet", self, .. workerArguments]
            : ["mpirun", "-np", $"{processes}", "--oversubscribe", "--allow-run-as-root", "--bind-to", "none", "dotnet", self, .. workerArguments];
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true };
        foreach (string argument in command[1..]) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // mpirun gives ranks a terminal, so .NET may put a terminal control sequence before the line.
        string line = output.Split('\n').Where(l => l.Contains("{\"model\"")).Select(l => l[l.IndexOf('{')..]).FirstOrDefault()
                      ?? throw new InvalidOperationException($"{string.Join(' ', command)} printed no result (exit code {process.ExitCode}): {output}");
        return JsonDocument.Parse(line).RootElement;
    }
}
