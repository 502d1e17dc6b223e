using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ScratchNet.Bench.Torch;

// Side-by-side training benchmark: ScratchNet against PyTorch's CPU engine (libtorch via TorchSharp).
// The parent process runs every (model, thread count, engine) configuration in a fresh child process —
// this same program with --child — so that each peak working set is measured on its own and libtorch's
// thread pools never outlive their configuration; then it prints one table. See bench/README.md.
if (args.Length > 0 && args[0] == "golden") return GoldenFixture.Run(args[1..]);   // the tests' golden values, see GoldenFixture.cs

BenchOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Child)
{
    try
    {
        return ChildRun.Run(options);
    }
    catch (Exception e) when (e is ScratchNet.Data.DataNotFoundException or ScratchNet.Data.DataFormatException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
}

// Patch once here as well, before any child could load the library (children check again; it is idempotent).
if (options.Engines.Contains(Engine.TorchSharp)) Console.Error.WriteLine(ElfVersionPatch.PrepareTorchSharp());

string startLoad = LoadAverage();
var started = DateTime.UtcNow;
var results = new List<ChildResult>();
bool failed = false;
foreach (string model in options.Models)
    foreach (int threads in options.Threads)
        foreach (string engine in options.Engines)
        {
            ChildResult? result = RunChild(options.ChildArguments(model, engine, threads), threads);
            if (result is null) failed = true;
            else results.Add(result);
        }

if (results.Count > 0) Report.Print(results, options, started, startLoad, LoadAverage());
return failed ? 1 : 0;

static ChildResult? RunChild(List<string> childArgs, int threads)
{
    // Re-invoke this program: through its apphost, or through `dotnet ScratchNet.Bench.Torch.dll`.
    string host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running.");
    var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(BenchOptions).Assembly.Location);
    foreach (string arg in childArgs) start.ArgumentList.Add(arg);
    // libtorch's OpenMP and MKL pools read these at start-up; torch.set_num_threads sets them again.
    string count = threads.ToString(CultureInfo.InvariantCulture);
    start.Environment["OMP_NUM_THREADS"] = count;
    start.Environment["MKL_NUM_THREADS"] = count;

    using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
    ChildResult? result = null;
    string? line;
    while ((line = child.StandardOutput.ReadLine()) is not null)
    {
        if (line.StartsWith(ChildRun.ResultPrefix, StringComparison.Ordinal))
            result = JsonSerializer.Deserialize<ChildResult>(line[ChildRun.ResultPrefix.Length..]);
        else
            Console.WriteLine(line);
    }
    child.WaitForExit();
    if (child.ExitCode != 0 || result is null)
    {
        Console.Error.WriteLine($"The child '{string.Join(' ', childArgs)}' failed (exit code {child.ExitCode}).");
        return null;
    }
    return result;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
