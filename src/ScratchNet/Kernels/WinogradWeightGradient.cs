namespace ScratchNet.Kernels;

/// <summary>
/// The weight gradient of a 3×3, stride-1 convolution through <see cref="Winograd3x3"/>, with its scratch space: per
/// worker, images are transformed a few at a time — the input into V [16, C, tiles], the output gradient into
/// Ŷ [16, O, tiles] — and the 16 products S_ξ[O, C] += Ŷ_ξ·V_ξᵀ summed over the worker's images; the workers' sums are
/// added in worker order and transformed back into ∂L/∂w [O, C, 3, 3].
/// </summary>
/// <remarks>
/// The tiles are the products' inner dimension, as many as <see cref="Winograd3x3.ImagesPerGroup"/> puts together,
/// while the outputs are small (O×C). Each worker sums its images in order and the workers are added in order, so a given
/// thread count always gives the same bits, as in the im2col path.
/// </remarks>
internal sealed class WinogradWeightGradient
{
    private float[][] _inputs = [], _gradients = [], _padded = [], _sums = [];
    private int _imagesTogether = 1;

    /// <summary>
    /// Writes ∂L/∂w [O, C, 3, 3] to <paramref name="weightGradient"/> for the convolution of <paramref name="input"/>
    /// [N, C, H, W] whose output gradient is <paramref name="outputGradient"/> [N, O, OH, OW].
    /// </summary>
    public void Compute(Tensor input, Tensor outputGradient, ConvGeometry g, ComputeContext compute, Span<float> weightGradient)
    {
        int batch = input.Dim(0), outChannels = outputGradient.Dim(1);
        EnsureScratch(g, outChannels, batch, compute);
        int workers = compute.For(batch, (Op: this, X: input, Dz: outputGradient, G: g, Out: outChannels), static (in s, worker, start, end) =>
        {
            ConvGeometry g = s.G;
            var (rows, columns) = Winograd3x3.Tiles(g);
            int tiles = rows * columns, channels = g.Channels, outputs = s.Out * g.OutputPlane;
            Span<float> v = s.Op._inputs[worker], dy = s.Op._gradients[worker], padded = s.Op._padded[worker];
            Span<float> sums = s.Op._sums[worker].AsSpan(0, Winograd3x3.Positions * s.Out * channels);
            sums.Clear();
            for (int n = start, count; n < end; n += count)
            {
                count = Math.Min(s.Op._imagesTogether, end - n);
                int width = count * tiles;
                Winograd3x3.TransformInput(s.X.Span.Slice(n * g.ImageLength, count * g.ImageLength), count, g, padded, v, width);
                Winograd3x3.TransformOutputGradient(s.Dz.Span.Slice(n * outputs, count * outputs), count, s.Out, g, padded, dy, width);
                for (int xi = 0; xi < Winograd3x3.Positions; xi++)
                {
                    // S_ξ[O, C] += Ŷ_ξ[O, T]·V_ξ[C, T]ᵀ   (T: the tiles of `count` images side by side)
                    ReadOnlySpan<float> a = dy.Slice(xi * s.Out * width, s.Out * width), b = v.Slice(xi * channels * width, channels * width);
                    Gemm.Multiply(false, true, s.Out, channels, width, 1f, a, width, b, width, 1f, sums.Slice(xi * s.Out * channels, s.Out * channels), channels);
                }
            }
        });
        Span<float> total = _sums[0].AsSpan(0, Winograd3x3.Positions * outChannels * g.Channels);
        for (int w = 1; w < workers; w++)
            System.Numerics.Tensors.TensorPrimitives.Add(total, _sums[w].AsSpan(0, total.Length), total);
        Winograd3x3.TransformWeightGradient(total, outChannels, g.Channels, weightGradient);
    }

    // Per worker: V and Ŷ for the images it takes at once, one padded plane (input channel or gradient plane, used in
    // turn) and its 16 sums; grown when needed.
    private void EnsureScratch(in ConvGeometry g, int outChannels, int batch, ComputeContext compute)
    {
        var (rows, columns) = Winograd3x3.Tiles(g);
        int tiles = rows * columns, workers = compute.WorkersFor(batch), perWorker = (batch + workers - 1) / workers;
        _imagesTogether = Winograd3x3.ImagesPerGroup(tiles, g.Channels, outChannels, perWorker);
        long width = (long)_imagesTogether * tiles;
        int inputs = checked((int)(Winograd3x3.Positions * g.Channels * width)), gradients = checked((int)(Winograd3x3.Positions * outChannels * width));
        int padded = Math.Max(Winograd3x3.PaddedLength(g), Winograd3x3.PaddedGradientLength(g));
        int sums = Winograd3x3.Positions * outChannels * g.Channels;
        if (_inputs.Length < workers || _inputs[0].Length < inputs || _gradients[0].Length < gradients || _padded[0].Length < padded || _sums[0].Length < sums)
        {
            _inputs = new float[workers][];
            _gradients = new float[workers][];
            _padded = new float[workers][];
            _sums = new float[workers][];
            for (int w = 0; w < workers; w++)
            {
                _inputs[w] = new float[inputs];
                _gradients[w] = new float[gradients];
                _padded[w] = new float[padded];
                _sums[w] = new float[sums];
            }
        }
    }
}
