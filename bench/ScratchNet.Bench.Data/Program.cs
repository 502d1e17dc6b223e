using ScratchNet.Bench.Data;
using ScratchNet.Data;

// Data benchmarks. Modes (see bench/README.md):
//   export --png DIR [--copies K] [--tint] [--data IDXDIR]
//                                                   Fashion-MNIST as PNG class folders (K copies of the training set; --tint: in six colours)
//   export --csv DIR [--data IDXDIR]                Fashion-MNIST as Kaggle-style train.csv and test.csv
//   verify --png DIR | --csv DIR [--threads N]      read an export back (DataSources), compare with IDX, print images/s
//   stream --png DIR [--in-memory] [--model M] [--batches N] [--batch-size B] [--threads N]
//                                                   train N batches on the export, streamed or in memory: images/s, peak memory
string mode = args.Length > 0 ? args[0] : "help";
string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

switch (mode)
{
    case "export":
    {
        var (train, test) = IdxDatasetLoader.LoadFolder(DataLocator.Locate(Option("--data")));
        if (Option("--png") is { } png)
        {
            int copies = int.Parse(Option("--copies") ?? "1");
            Export.Png(train, test, png, copies, tint: args.Contains("--tint"));
            Console.WriteLine($"wrote {train.Count * copies + test.Count} PNG files under {png}");
        }
        if (Option("--csv") is { } csv)
        {
            Directory.CreateDirectory(csv);
            Export.Csv(train, Path.Combine(csv, "train.csv"));
            Export.Csv(test, Path.Combine(csv, "test.csv"));
            Console.WriteLine($"wrote {csv}/train.csv and {csv}/test.csv");
        }
        return 0;
    }
    case "verify":
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (train, test) = IdxDatasetLoader.LoadFolder(DataLocator.Locate(Option("--data")));
        Console.WriteLine($"IDX (gzip): {train.Count + test.Count:N0} images loaded in {clock.Elapsed.TotalSeconds:F2} s: {(train.Count + test.Count) / clock.Elapsed.TotalSeconds:N0} images/s");
        int threads = int.Parse(Option("--threads") ?? Environment.ProcessorCount.ToString());
        string path = Option("--png") ?? Option("--csv") ?? throw new ArgumentException("verify needs --png DIR or --csv DIR");
        return Verify.Run(path, train, test, threads);
    }
    case "stream":
        return StreamBench.Run(Option("--png") ?? throw new ArgumentException("stream needs --png DIR"), !args.Contains("--in-memory"),
            Option("--model") ?? "fashion-cnn", int.Parse(Option("--batches") ?? "60"), int.Parse(Option("--batch-size") ?? "128"),
            int.Parse(Option("--threads") ?? Environment.ProcessorCount.ToString()));
    default:
        Console.WriteLine("usage: export --png DIR [--copies K] | export --csv DIR | verify --png DIR | verify --csv DIR | stream --png DIR [--in-memory]   (options: --data IDXDIR, --threads N)");
        return mode == "help" ? 0 : 2;
}
