namespace ScratchNet.Kernels;

/// <summary>
/// The weight gradient of a 3×3, stride-1 convolution through <see cref="Winograd3x3"/>, with its scratch space: the
/// batch is cut into parts (one part with one thread; <see cref="PartsPerWorker"/> per worker with more), and the workers
/// take the parts as they become free. A part's images are transformed a few at a time — the input into
/// V [16, C, tiles], the output gradient into Ŷ [16, O, tiles] — and the 16 products S_ξ[O, C] += Ŷ_ξ·V_ξᵀ summed into
/// the part's own S; the parts' sums are added in part order and transformed back into ∂L/∂w [O, C, 3, 3].
/// </summary>
/// <remarks>
/// The tiles are the products' inner dimension, as many as <see cref="Winograd3x3.ImagesPerGroup"/> puts together,
/// while the outputs are small (O×C). The parts depend only on the batch and the thread count, each sums its images in
/// order and the parts are added in order, so a given thread count always gives the same bits, as in the im2col path,
/// whichever worker took which part.
/// </remarks>
internal sealed class WinogradWeightGradient
{
    private float[][] _inputs = [], _gradients = [], _padded = [], _sums = [];
    private int _imagesTogether = 1, _parts = 1;

    /// <summary>
    /// Writes ∂L/∂w [O, C, 3, 3] to <paramref name="weightGradient"/> for the convolution of <paramref name="input"/>
    /// [N, C, H, W] whose output gradient is <paramref name="outputGradient"/> [N, O, OH, OW].
    /// </summary>
    public void Compute(Tensor input, Tensor outputGradient, ConvGeometry g, ComputeContext compute, Span<float> weightGradient)
    {
        int batch = input.Dim(0), outChannels = outputGradient.Dim(1);
        EnsureScratch(g, outChannels, batch, compute);
        var state = (Op: this, X: input, Dz: outputGradient, G: g, Out: outChannels, Batch: batch);
        compute.ForEachChunk(_parts, 1, state, SumParts);   // each part has its own sums: any worker may take it
        int length = Winograd3x3.Positions * outChannels * g.Channels;
        // ∑ over the parts, in part order for every element, whichever thread adds which elements.
        if (_parts > 1)
            compute.For(length, (long)length * _parts, (Sums: _sums, Parts: _parts), static (in s, worker, start, end) =>
            {
                Span<float> total = s.Sums[0].AsSpan(start, end - start);
                for (int p = 1; p < s.Parts; p++)
                    System.Numerics.Tensors.TensorPrimitives.Add(total, s.Sums[p].AsSpan(start, end - start), total);
            });
        Winograd3x3.TransformWeightGradient(_sums[0].AsSpan(0, length), outChannels, g.Channels, weightGradient);
    }

    // Parts [start, end): each sums the 16 products of its images into its own S.
    private static void SumParts(in (WinogradWeightGradient Op, Tensor X, Tensor Dz, ConvGeometry G, int Out, int Batch) s, int worker, int start, int end)
    {
        ConvGeometry g = s.G;
        var (rows, columns) = Winograd3x3.Tiles(g);
        int tiles = rows * columns, channels = g.Channels, outputs = s.Out * g.OutputPlane, together = s.Op._imagesTogether;
        int groups = (s.Batch + together - 1) / together, parts = s.Op._parts;
        Span<float> v = s.Op._inputs[worker], dy = s.Op._gradients[worker], padded = s.Op._padded[worker];
        for (int part = start; part < end; part++)
        {
            Span<float> sums = s.Op._sums[part].AsSpan(0, Winograd3x3.Positions * s.Out * channels);
            sums.Clear();
            int first = (int)((long)groups * part / parts) * together, last = Math.Min(s.Batch, (int)((long)groups * (part + 1) / parts) * together);
            for (int n = first, count; n < last; n += count)
            {
                count = Math.Min(together, last - n);
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
        }
    }

    // Per worker: V and Ŷ for the images it takes at once and one padded plane (input channel or gradient plane, used in
    // turn); per part, its 16 sums. Grown when needed.
    private void EnsureScratch(in ConvGeometry g, int outChannels, int batch, ComputeContext compute)
    {
        var (rows, columns) = Winograd3x3.Tiles(g);
        int tiles = rows * columns, workers = compute.WorkersFor(batch), perWorker = (batch + workers - 1) / workers;
        _imagesTogether = Winograd3x3.ImagesPerGroup(tiles, g.Channels, outChannels, perWorker);
        int groups = (batch + _imagesTogether - 1) / _imagesTogether;
        _parts = workers == 1 ? 1 : Math.Min(groups, PartsPerWorker * workers);
        long width = (long)_imagesTogether * tiles;
        int inputs = checked((int)(Winograd3x3.Positions * g.Channels * width)), gradients = checked((int)(Winograd3x3.Positions * outChannels * width));
        int padded = Math.Max(Winograd3x3.PaddedLength(g), Winograd3x3.PaddedGradientLength(g));
        int sums = Winograd3x3.Positions * outChannels * g.Channels;
        if (_inputs.Length < workers || _inputs[0].Length < inputs || _gradients[0].Length < gradients || _padded[0].Length < padded)
        {
            _inputs = new float[workers][];
            _gradients = new float[workers][];
            _padded = new float[workers][];
            for (int w = 0; w < workers; w++)
            {
                _inputs[w] = new float[inputs];
                _gradients[w] = new float[gradients];
                _padded[w] = new float[padded];
            }
        }
        if (_sums.Length < _parts || _sums[0].Length < sums)
        {
            _sums = new float[_parts][];
            for (int p = 0; p < _parts; p++) _sums[p] = new float[sums];
        }
    }

    /// <summary>
    /// Parts per worker with more than one: enough that a worker on a core the machine slows (another program on it, or
    /// on its other half) takes fewer of them and the others are not held up; each part costs 16·O·C floats.
    /// </summary>
    private const int PartsPerWorker = 4;
}
