using System.Globalization;
using ScratchNet.Models;

namespace ScratchNet.Bench.Scaling;

/// <summary>
/// The cost of a data-parallel step on N machines, on paper. Each machine computes its share of a global batch of B
/// images, then the gradients (4 bytes per parameter, plus 3 floats) are summed by a ring all-reduce, which sends
/// 2(N−1) messages of bytes/N per machine:
///   step(N) = t₁/N + 2(N−1)/N · bytes/bandwidth + 2(N−1)·α,
/// with t₁ the measured time of one step of B images on one machine and α the latency of one message. No overlap of
/// the reduction with the backward pass is assumed (ScratchNet does not overlap them). Efficiency is
/// (t₁/N)/step(N); the global batch that keeps it at 90 % is the B' with t₁·B'/(B·N) = 9 × communication.
/// </summary>
internal static class CostModel
{
    private static readonly int[] Machines = [2, 4, 8, 16, 32, 64];

    // Bandwidth in bit/s and an assumed per-message latency: TCP over 10 GbE, RDMA (RoCE/InfiniBand) at 100 Gbit/s.
    private static readonly (string Name, double BitsPerSecond, double LatencySeconds)[] Networks =
        [("10 Gbit/s", 10e9, 25e-6), ("100 Gbit/s", 100e9, 3e-6)];

    public static int Print(BenchArguments a)
    {
        string[] models = a.Text("models", "fashion-cnn,fashion-resnet").Split(',');
        Dictionary<string, double> stepMs = a.Text("step-ms", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        foreach (string model in models)
        {
            ModelPreset preset = ModelPreset.Find(model);
            var network = preset.CreateNetwork();
            network.Build([1, 28, 28]);
            double bytes = (network.ParameterCount + 3) * 4.0;
            bool measured = stepMs.TryGetValue(model, out double t1Ms);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"### {model}: {network.ParameterCount:N0} parameters, {bytes / 1e6:F2} MB per all-reduce, global batch {preset.BatchSize}, " +
                $"one-machine step t₁ = {(measured ? $"{t1Ms:F1} ms (measured)" : "**PLACEHOLDER: measured step time not filled in**")}"));
            Console.WriteLine();
            Console.WriteLine("| N | network | all-reduce ms | compute ms (t₁/N) | efficiency | speed-up | global batch for 90 % |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
            foreach (int n in Machines)
            foreach (var (name, bandwidth, latency) in Networks)
            {
                double communication = 2.0 * (n - 1) / n * bytes * 8 / bandwidth + 2.0 * (n - 1) * latency;
                string rest = "| – | – | – | – |";
                if (measured)
                {
                    double compute = t1Ms / 1000 / n, efficiency = compute / (compute + communication);
                    double batch90 = Math.Ceiling(9 * communication * n * preset.BatchSize / (t1Ms / 1000));
                    rest = string.Create(CultureInfo.InvariantCulture, $"| {compute * 1000:F2} | {100 * efficiency:F0} % | {n * efficiency:F1} | {batch90:F0} |");
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {n} | {name} | {communication * 1000:F3} {rest}"));
            }
            Console.WriteLine();
        }
        return 0;
    }
}
