using System.CommandLine;
using ScratchNet.Data;

namespace ScratchNet.Cli;

/// <summary><c>scratchnet datasets</c>: where the commands look for data, what each place holds, and how to get Fashion-MNIST.</summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var data = new DataOptions();

        var command = new Command("datasets",
            $"List the places the commands look for data, in order (--data, then ${DataLocator.EnvironmentVariable}, then {DataLocator.DefaultDirectory}), " +
            "what each holds (image counts, image shape and classes of a complete folder), and which one train and evaluate would use. " +
            "For --data: the layout recognised, images per class in the training and test sets, the image size and channels, and the files " +
            "ignored or skipped. Exit code 2 when that data is missing, incomplete or malformed, with instructions for getting Fashion-MNIST.\n\n" +
            DataOptions.Layouts + "\n\n" +
            "Examples:\n  scratchnet datasets\n  scratchnet datasets --data ~/mnist\n  scratchnet datasets --data photos/ --image-size 64,64");
        data.AddTo(command);
        command.SetAction(result => Run(data.Read(result)));
        return command;
    }

    private static int Run(DataArguments data)
    {
        IReadOnlyList<DataCandidate> candidates = DataLocator.SearchOrder(data.Data);
        Console.WriteLine("search order (the first place is the one train and evaluate use):");
        bool firstUsable = false;
        for (int i = 0; i < candidates.Count; i++)
        {
            DataCandidate candidate = candidates[i];
            Console.WriteLine($"{i + 1}. {candidate.Directory} ({candidate.Source})");
            if (candidate.Source == "--data" && (File.Exists(candidate.Directory) || Directory.Exists(candidate.Directory)))
            {
                // Any layout: what DataSources recognises, described as train would read it.
                try
                {
                    foreach (string line in data.Open(seed: 1, threads: 0).Description.ToLines()) Console.WriteLine($"   {TerminalText.Clean(line)}");
                    firstUsable = true;
                }
                catch (Exception e) when (e is DataFormatException or DataNotFoundException or IOException or InvalidDataException)
                {
                    Console.WriteLine($"   unusable: {TerminalText.Clean(e.Message)}");
                }
                continue;
            }
            if (!candidate.Exists)
            {
                Console.WriteLine("   does not exist");
                continue;
            }
            if (!candidate.IsComplete)
            {
                Console.WriteLine($"   incomplete: lacks {string.Join(", ", candidate.MissingFiles)} (plain or .gz)");
                continue;
            }
            try
            {
                var (train, test) = IdxDatasetLoader.LoadFolder(candidate.Directory);
                Console.WriteLine($"   {train.Count:N0} training and {test.Count:N0} test images of {CliSupport.FormatShape(train.ImageShape)} (channels×height×width)");
                Console.WriteLine($"   {train.ClassCount} classes: {string.Join(", ", train.ClassNames)}");
                if (i == 0) firstUsable = true;
            }
            catch (Exception e) when (e is DataFormatException or DataNotFoundException or IOException or InvalidDataException)
            {
                Console.WriteLine($"   unusable: {e.Message}");
            }
        }
        Console.WriteLine();
        if (firstUsable)
        {
            Console.WriteLine($"in use: {Path.GetFullPath(candidates[0].Directory)}");
            return ExitCodes.Success;
        }
        Console.WriteLine("To get Fashion-MNIST on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist");
        Console.WriteLine($"  (it installs to {DataLocator.DefaultDirectory}, where the commands look by default).");
        Console.WriteLine($"Or point --data DIR or {DataLocator.EnvironmentVariable} at a folder holding the four IDX files");
        Console.WriteLine("  train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each plain or .gz),");
        Console.WriteLine("  for example the files of Fashion-MNIST (github.com/zalandoresearch/fashion-mnist) or MNIST.");
        Console.Error.WriteLine($"error: no usable data at {candidates[0].Directory} ({candidates[0].Source}); see above for how to get it.");
        return ExitCodes.BadArguments;
    }
}
