using ScratchNet.Bench.Data;
using ScratchNet.Data;

// Data benchmarks. Modes (see bench/README.md):
//   export --png DIR [--copies K] [--data IDXDIR]   Fashion-MNIST as PNG class folders (K copies of the training set)
//   export --csv DIR [--data IDXDIR]                Fashion-MNIST as Kaggle-style train.csv and test.csv
//   verify --png DIR | --csv DIR [--threads N]      read an export back (DataSources), compare with IDX, print images/s
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
            Export.Png(train, test, png, copies);
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
        var (train, test) = IdxDatasetLoader.LoadFolder(DataLocator.Locate(Option("--data")));
        int threads = int.Parse(Option("--threads") ?? Environment.ProcessorCount.ToString());
        string path = Option("--png") ?? Option("--csv") ?? throw new ArgumentException("verify needs --png DIR or --csv DIR");
        return Verify.Run(path, train, test, threads);
    }
    default:
        Console.WriteLine("usage: export --png DIR [--copies K] | export --csv DIR | verify --png DIR | verify --csv DIR   (options: --data IDXDIR, --threads N)");
        return mode == "help" ? 0 : 2;
}
