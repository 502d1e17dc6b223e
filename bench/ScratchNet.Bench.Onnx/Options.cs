namespace ScratchNet.Bench.Onnx;

/// <summary>The benchmark's options; the defaults are the full measurement.</summary>
internal sealed record Options
{
    public string[] Models { get; init; } = ["seed-cnn", "fashion-cnn", "fashion-resnet"];
    public int[] Threads { get; init; } = [1, 2];
    public int Images { get; init; } = 10_000;
    public int LatencyImages { get; init; } = 1_000;
    public int Passes { get; init; } = 4;
    public int Warmup { get; init; } = 50;
    public int Batch { get; init; } = 256;
    public bool Profile { get; init; }

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--profile")
            {
                options = options with { Profile = true };
                i--;
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value; see bench/README.md.");
            string value = args[i + 1];
            int Positive() => int.TryParse(value, out int n) && n > 0 ? n : throw new ArgumentException($"{args[i]} needs a positive whole number, not '{value}'.");
            options = args[i] switch
            {
                "--models" => options with { Models = value.Split(',') },
                "--threads" => options with { Threads = value.Split(',').Select(int.Parse).ToArray() },
                "--images" => options with { Images = Positive() },
                "--latency-images" => options with { LatencyImages = Positive() },
                "--passes" => options with { Passes = Positive() },
                "--warmup" => options with { Warmup = Positive() },
                "--batch" => options with { Batch = Positive() },
                _ => throw new ArgumentException($"unknown option {args[i]}; see bench/README.md."),
            };
        }
        return options;
    }
}
