using System.Globalization;
using ScratchNet.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace ScratchNet.Bench.Torch;

/// <summary>
/// The torch.nn twins of the presets the benchmark supports: the same layers, in the same order, with the same
/// parameter shapes and layouts, so that <see cref="TorchSharpSession"/> can copy ScratchNet's initial weights
/// into them one by one.
/// </summary>
/// <remarks>Touches <c>torch</c>: only call after <see cref="ElfVersionPatch.PrepareTorchSharp"/>.</remarks>
public static class TorchSharpModels
{
    /// <summary>The twin of <paramref name="preset"/> for images of [C, H, W] <paramref name="imageShape"/>.</summary>
    /// <exception cref="ArgumentException">The preset has no twin.</exception>
    public static Sequential Create(ModelPreset preset, long[] imageShape, int classes)
    {
        long channels = imageShape[0], height = imageShape[1], width = imageShape[2];
        return preset.Name switch
        {
            // Conv2d(1→16, 5×5, padding 2, no bias) → tanh → flatten → Linear(16·H·W → 10).
            "seed-cnn" => nn.Sequential(
                ("conv", nn.Conv2d(channels, 16, 5, padding: 2, bias: false)),
                ("tanh", nn.Tanh()),
                ("flatten", nn.Flatten()),
                ("dense", nn.Linear(16 * height * width, classes))),
            // Flatten → Linear(C·H·W → 128) → ReLU → Linear(128 → 10).
            "mlp" => nn.Sequential(
                ("flatten", nn.Flatten()),
                ("dense1", nn.Linear(channels * height * width, 128)),
                ("relu", nn.ReLU()),
                ("dense2", nn.Linear(128, classes))),
            "fashion-cnn" => FashionCnn(channels, height, width, classes),
            "fashion-resnet" => FashionResNet(channels, height, width, classes),
            _ => throw new ArgumentException($"No TorchSharp twin for model '{preset.Name}'."),
        };
    }

    /// <summary>
    /// Two blocks of [Conv2d 3×3 padding 1, no bias → BatchNorm2d → ReLU] ×2 → MaxPool2d(2) → Dropout(0.25), with
    /// 32 then 64 filters; Flatten → Linear(64·H/4·W/4 → 128, no bias) → BatchNorm1d → ReLU → Dropout(0.5) → Linear(128 → 10).
    /// </summary>
    /// <remarks>
    /// Modules are named by position. ScratchNet fuses each ReLU into the batch norm before it, so its layer indices
    /// differ; parameters are matched in order and checked by shape and by the last part of their names ("weight",
    /// "bias", "running_mean", …). The batch norms use ScratchNet's defaults, which are PyTorch's:
    /// ε = 1e-5, momentum 0.1, running mean 0 and variance 1 at the start.
    /// </remarks>
    private static Sequential FashionCnn(long channels, long height, long width, int classes)
    {
        var layers = new List<(string, nn.Module<TorchTensor, TorchTensor>)>();
        void Add(nn.Module<TorchTensor, TorchTensor> module) => layers.Add((layers.Count.ToString(CultureInfo.InvariantCulture), module));

        long inputs = channels;
        foreach (long filters in new long[] { 32, 64 })
        {
            for (int conv = 0; conv < 2; conv++, inputs = filters)
            {
                Add(nn.Conv2d(inputs, filters, 3, padding: 1, bias: false));
                Add(nn.BatchNorm2d(filters, eps: 1e-5, momentum: 0.1));
                Add(nn.ReLU());
            }
            Add(nn.MaxPool2d(2));
            Add(nn.Dropout(0.25));
        }
        Add(nn.Flatten());
        Add(nn.Linear(inputs * (height / 4) * (width / 4), 128, hasBias: false));
        Add(nn.BatchNorm1d(128, eps: 1e-5, momentum: 0.1));
        Add(nn.ReLU());
        Add(nn.Dropout(0.5));
        Add(nn.Linear(128, classes));
        return nn.Sequential(layers);
    }

    /// <summary>
    /// Conv2d 3×3 (1→32, no bias) → BatchNorm2d → ReLU; three stages of two basic blocks at 32, 64 and 128 channels
    /// (<see cref="TorchSharpBasicBlock"/>: [Conv2d 3×3 → BatchNorm2d → ReLU → Conv2d 3×3 → BatchNorm2d] plus the
    /// shortcut, then ReLU), the first block of the second and third stages with stride 2 and a shortcut of
    /// Conv2d 1×1 stride 2 → BatchNorm2d; AdaptiveAvgPool2d(1) → Flatten → Linear(128 → 10). 696,042 parameters.
    /// </summary>
    private static Sequential FashionResNet(long channels, long height, long width, int classes)
    {
        var size = (Height: height, Width: width);
        var layers = new List<(string, nn.Module<TorchTensor, TorchTensor>)>();
        void Add(nn.Module<TorchTensor, TorchTensor> module) => layers.Add((layers.Count.ToString(CultureInfo.InvariantCulture), module));

        foreach (var module in SameConv(channels, 32, 3, 1, ref size)) Add(module);
        Add(nn.BatchNorm2d(32, eps: 1e-5, momentum: 0.1));
        Add(nn.ReLU());
        long inputs = 32;
        foreach (var (filters, stride) in new (long, int)[] { (32, 1), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1) })
        {
            var blockInput = size;
            var body = new List<nn.Module<TorchTensor, TorchTensor>>([.. SameConv(inputs, filters, 3, stride, ref size)]);
            body.AddRange([nn.BatchNorm2d(filters, eps: 1e-5, momentum: 0.1), nn.ReLU(), .. SameConv(filters, filters, 3, 1, ref size)]);
            body.Add(nn.BatchNorm2d(filters, eps: 1e-5, momentum: 0.1));
            Sequential? shortcut = stride == 1 && inputs == filters ? null
                : nn.Sequential([.. SameConv(inputs, filters, 1, stride, ref blockInput), nn.BatchNorm2d(filters, eps: 1e-5, momentum: 0.1)]);
            Add(new TorchSharpBasicBlock(nn.Sequential(body), shortcut));
            inputs = filters;
        }
        Add(nn.AdaptiveAvgPool2d(1));
        Add(nn.Flatten());
        Add(nn.Linear(inputs, classes));
        return nn.Sequential(layers);
    }

    /// <summary>
    /// A convolution without bias with ScratchNet's "same" padding for this size, kernel and stride
    /// (<see cref="ScratchNet.Operations.Padding.Resolve"/>), updating <paramref name="size"/> to the output's.
    /// PyTorch's Conv2d pads both sides alike, so an uneven padding (a 3×3 at stride 2 on an even size: 0 above and
    /// left, 1 below and right) comes as an explicit ZeroPad2d before an unpadded Conv2d, and the windows sit on the
    /// same pixels in both engines.
    /// </summary>
    private static IEnumerable<nn.Module<TorchTensor, TorchTensor>> SameConv(long inputs, long filters, int kernel, int stride,
        ref (long Height, long Width) size)
    {
        var same = ScratchNet.Operations.Padding.Same;
        var (top, bottom) = same.Resolve((int)size.Height, kernel, stride, vertical: true);
        var (left, right) = same.Resolve((int)size.Width, kernel, stride, vertical: false);
        size = ((size.Height + top + bottom - kernel) / stride + 1, (size.Width + left + right - kernel) / stride + 1);
        if (top == bottom && left == right)
            return [nn.Conv2d(inputs, filters, (kernel, kernel), stride: (stride, stride), padding: (top, left), bias: false)];
        return [nn.ZeroPad2d((left, right, top, bottom)), nn.Conv2d(inputs, filters, kernel, stride: stride, padding: 0L, bias: false)];
    }
}
