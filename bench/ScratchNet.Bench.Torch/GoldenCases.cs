using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace ScratchNet.Bench.Torch;

/// <summary>
/// The golden cases: each one a layer of ScratchNet written the PyTorch way (torch.nn.functional in float64) on seeded
/// inputs, with the configuration string the tests parse to build ScratchNet's twin (see <see cref="GoldenFixture"/>).
/// </summary>
/// <remarks>
/// Conventions, as PyTorch states them: convolution weights are OIHW and a linear weight is [out, in], as in
/// ScratchNet. Padding "same" with stride 1 is PyTorch's own padding='same' (an odd total puts the extra zero at the
/// bottom/right); with stride 2 PyTorch has none, so the zeros of TensorFlow's SAME rule are added with F.pad
/// (output ⌈size/stride⌉, total max((out − 1)·stride + kernel − size, 0), the extra one at the bottom/right);
/// pooling pads max with −∞ and average with zeros that count in the divisor (count_include_pad). Batch norm's
/// running variance moves towards the unbiased batch variance. Cross-entropy is averaged over the batch; the
/// squared error is summed over features and averaged over the batch (PyTorch's reduction='sum' divided by N:
/// reduction='mean' would also divide by the feature count).
/// </remarks>
public static class GoldenCases
{
    /// <summary>Adds every case to <paramref name="fixture"/>.</summary>
    public static void AddAll(GoldenWriter fixture)
    {
        var cases = new GoldenCaseWriter(fixture);
        // Convolutions: [N, C, H, W] input, out channels, kernel, stride, padding, groups, bias (then activation, flatten).
        cases.Conv("conv_k3_same_bias", [2, 3, 6, 6], 4, (3, 3), (1, 1), "same", 1, bias: true);
        cases.Conv("conv_k5_same_nobias", [2, 1, 8, 8], 3, (5, 5), (1, 1), "same", 1, bias: false);
        cases.Conv("conv_k4_same_even", [2, 2, 7, 6], 3, (4, 4), (1, 1), "same", 1, bias: true);
        cases.Conv("conv_k3_s2_same", [2, 3, 8, 7], 4, (3, 3), (2, 2), "same", 1, bias: true);
        cases.Conv("conv_k3_s2_valid", [2, 2, 9, 8], 3, (3, 3), (2, 2), "valid", 1, bias: true);
        cases.Conv("conv_k3x2_s1x2_pad1x0", [2, 2, 6, 7], 3, (3, 2), (1, 2), "1,0", 1, bias: false);
        cases.Conv("conv_groups2_same", [2, 4, 5, 5], 6, (3, 3), (1, 1), "same", 2, bias: true);
        cases.Conv("conv_depthwise_s2_pad1", [2, 3, 7, 7], 6, (3, 3), (2, 2), "1", 3, bias: true);
        cases.Conv("conv_k1_s2", [2, 4, 6, 6], 3, (1, 1), (2, 2), "valid", 1, bias: false);
        cases.Conv("conv_k5_same_tanh_flatten", [2, 1, 8, 8], 4, (5, 5), (1, 1), "same", 1, bias: false, "tanh", flatten: true);
        cases.Conv("conv_k3_same_bias_relu", [2, 3, 6, 6], 4, (3, 3), (1, 1), "same", 1, bias: true, "relu");

        // Batch norm: training (batch statistics, running statistics updated) and inference (running statistics).
        cases.BatchNorm("bn2d_train", [3, 4, 5, 5], 0.1, 1e-5, training: true, "none");
        cases.BatchNorm("bn2d_train_relu", [2, 3, 4, 4], 0.1, 1e-5, training: true, "relu");
        cases.BatchNorm("bn2d_train_tanh", [2, 3, 4, 4], 0.1, 1e-5, training: true, "tanh");
        cases.BatchNorm("bn2d_train_momentum", [2, 3, 3, 5], 0.3, 1e-3, training: true, "none");
        cases.BatchNorm("bn1d_train", [6, 5], 0.1, 1e-5, training: true, "none");
        cases.BatchNorm("bn1d_train_relu", [5, 4], 0.1, 1e-5, training: true, "relu");
        cases.BatchNorm("bn2d_eval", [2, 3, 4, 4], 0.1, 1e-5, training: false, "none");
        cases.BatchNorm("bn1d_eval", [4, 5], 0.1, 1e-5, training: false, "none");

        // Pooling: kind, [N, C, H, W], window, stride, padding (ties: many equal maxima; the first one takes the gradient).
        cases.Pool("maxpool_2x2", "maxpool", [2, 3, 8, 10], (2, 2), (2, 2), "valid");
        cases.Pool("maxpool_2x2_odd", "maxpool", [2, 2, 5, 7], (2, 2), (2, 2), "valid");
        cases.Pool("maxpool_3x3_s2_pad1", "maxpool", [2, 2, 7, 7], (3, 3), (2, 2), "1");
        cases.Pool("maxpool_2x2_same", "maxpool", [1, 2, 5, 5], (2, 2), (2, 2), "same");
        cases.Pool("maxpool_3x3_s1_same", "maxpool", [1, 2, 5, 6], (3, 3), (1, 1), "same");
        cases.Pool("maxpool_2x2_ties", "maxpool", [1, 2, 4, 10], (2, 2), (2, 2), "valid", ties: true);
        cases.Pool("maxpool_3x3_s2_pad1_ties", "maxpool", [1, 2, 5, 5], (3, 3), (2, 2), "1", ties: true);
        cases.Pool("avgpool_2x2", "avgpool", [2, 3, 6, 6], (2, 2), (2, 2), "valid");
        cases.Pool("avgpool_3x3_s2_pad1", "avgpool", [2, 2, 7, 7], (3, 3), (2, 2), "1");
        cases.Pool("avgpool_2x2_same", "avgpool", [1, 2, 5, 5], (2, 2), (2, 2), "same");
        cases.GlobalAveragePool("global_avgpool", [2, 3, 4, 5]);

        // Dense: [N, in] input, out features, bias, activation (fused with the bias in ScratchNet).
        cases.Dense("dense_bias", [4, 7], 5, bias: true, "none");
        cases.Dense("dense_nobias", [3, 6], 4, bias: false, "none");
        cases.Dense("dense_relu", [4, 6], 5, bias: true, "relu");
        cases.Dense("dense_tanh", [4, 6], 3, bias: true, "tanh");

        // Activations on [4, 10] inputs in ±[0.05, 4] (away from ReLU's kink).
        foreach (string activation in new[] { "relu", "tanh", "sigmoid", "elu", "elu:0.5", "leaky_relu", "leaky_relu:0.2", "gelu", "softmax" })
            cases.Activation("activation_" + activation.Replace(':', '_'), activation);

        // Losses.
        cases.CrossEntropy("cross_entropy_onehot", 5, 7, soft: false, scale: 2);
        cases.CrossEntropy("cross_entropy_soft", 4, 6, soft: true, scale: 2);
        cases.CrossEntropy("cross_entropy_large_logits", 3, 5, soft: false, scale: 40);
        cases.MeanSquaredError("mean_squared_error", 4, 3);
    }

    /// <summary>The activation <paramref name="name"/> ("elu:0.5": ELU with α 0.5) applied by PyTorch.</summary>
    internal static TorchTensor Activate(string name, TorchTensor x)
    {
        string[] parts = name.Split(':');
        double argument = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : double.NaN;
        return parts[0] switch
        {
            "none" => x,
            "relu" => F.relu(x),
            "tanh" => torch.tanh(x),
            "sigmoid" => torch.sigmoid(x),
            "elu" => F.elu(x, parts.Length > 1 ? argument : 1.0),
            "leaky_relu" => F.leaky_relu(x, parts.Length > 1 ? argument : 0.01),
            "gelu" => F.gelu(x),
            "softmax" => F.softmax(x, -1),
            _ => throw new ArgumentException($"Unknown activation '{name}'."),
        };
    }

    /// <summary>
    /// Zeros (top, bottom, left, right) for "valid", "same" (TensorFlow's rule: the extra zero at the bottom/right),
    /// "N" or "ROWS,COLUMNS".
    /// </summary>
    internal static (long Top, long Bottom, long Left, long Right) Pads(string padding, long[] shape, (long H, long W) kernel, (long H, long W) stride)
    {
        if (padding == "valid") return (0, 0, 0, 0);
        if (padding == "same")
        {
            (long, long) Axis(long size, long k, long s)
            {
                long outputs = (size + s - 1) / s, total = Math.Max((outputs - 1) * s + k - size, 0);
                return (total / 2, total - total / 2);
            }
            var (top, bottom) = Axis(shape[2], kernel.H, stride.H);
            var (left, right) = Axis(shape[3], kernel.W, stride.W);
            return (top, bottom, left, right);
        }
        long[] parts = padding.Split(',').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[0], parts[^1], parts[^1]);
    }
}
