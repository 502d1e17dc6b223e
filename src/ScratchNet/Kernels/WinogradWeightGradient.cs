namespace ScratchNet.Kernels;

/// <summary>
/// The weight gradient of a 3×3, stride-1 convolution through <see cref="Winograd3x3"/>, with its scratch space: the
/// batch is cut into parts (one part with one thread; <see cref="PartsPerWorker"/> per worker with more), and the workers
/// take the parts as they become free. A part's images are transformed a few at a time — the input into V, the output
/// gradient into Ŷ — and the 16 products S_ξ[O, C] += Ŷ_ξ·V_ξ summed over the tiles into the part's own S; the parts'
/// sums are added in part order and transformed back into ∂L/∂w [O, C, 3, 3].
/// </summary>
/// <remarks>
/// <para>
/// Two layouts. With channels in whole vectors of eight (<see cref="Winograd3x3.UsesChannelsLastWeightGradient"/>),
/// the images are copied channels-last and V [16, T, C] and Ŷ (tile by tile, eight output channels at a time) are made
/// for a band of tiles at a time, so the products read them as they are. Otherwise V [16, C, T] and Ŷ [16, O, T] are
/// made as the forward pass makes V, for as many images as <see cref="Winograd3x3.ImagesPerGroup"/> puts together, and
/// the products pack them.
/// </para>
/// <para>
/// The parts depend only on the batch and the thread count, each sums its images in order and the parts are added in
/// order, so a given thread count always gives the same bits, as in the im2col path, whichever worker took which part.
/// </para>
/// </remarks>
internal sealed class WinogradWeightGradient
{
    private float[][] _inputs = [], _gradients = [], _padded = [], _paddedGradients = [], _sums = [];
    private int _imagesTogether = 1, _parts = 1, _bandTiles;
    private bool _channelsLast;

    /// <summary>
    /// Writes ∂L/∂w [O, C, 3, 3] to <paramref name="weightGradient"/> for the convolution of <paramref name="input"/>
    /// [N, C, H, W] whose output gradient is <paramref name="outputGradient"/> [N, O, OH, OW].
    /// </summary>
    public void Compute(Tensor input, Tensor outputGradient, ConvGeometry g, ComputeContext compute, Span<float> weightGradient)
    {
        int batch = input.Dim(0), outChannels = outputGradient.Dim(1);
        EnsureScratch(g, outChannels, batch, compute);
        var state = (Op: this, X: input, Dz: outputGradient, G: g, Out: outChannels, Batch: batch);
        // Each part has its own sums: any worker may take it.
        if (_channelsLast) compute.ForEachChunk(_parts, 1, state, SumPartsChannelsLast);
        else compute.ForEachChunk(_parts, 1, state, SumParts);
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

    // The same with the channels innermost: each group of images is copied into [H, W, C] and [OH, OW, O] planes, then
    // V [16, T, C] and Ŷ (in panels of eight output channels) are made for a band of tiles at a time, and
    // S_ξ[O, C] += Ŷ_ξ[T, O]ᵀ·V_ξ[T, C] over the band's tiles.
    private static unsafe void SumPartsChannelsLast(in (WinogradWeightGradient Op, Tensor X, Tensor Dz, ConvGeometry G, int Out, int Batch) s, int worker, int start, int end)
    {
        ConvGeometry g = s.G;
        var (rows, columns) = Winograd3x3.Tiles(g);
        var (height, width) = Winograd3x3.PaddedChannelsLastSize(g);
        var (gradientHeight, gradientWidth) = Winograd3x3.GradientChannelsLastSize(g);
        int tiles = rows * columns, channels = g.Channels, outChannels = s.Out, outputs = outChannels * g.OutputPlane;
        int together = s.Op._imagesTogether, groups = (s.Batch + together - 1) / together, parts = s.Op._parts, band = s.Op._bandTiles;
        nint imageStride = (nint)height * width * channels, gradientStride = (nint)gradientHeight * gradientWidth * outChannels;
        nint ldv = BandStride(band, channels), ldu = BandStride(band, outChannels);
        float[] v = s.Op._inputs[worker], dy = s.Op._gradients[worker], padded = s.Op._padded[worker], paddedGradients = s.Op._paddedGradients[worker];
        // Only the planes' interiors are copied over: the margins stay zero.
        padded.AsSpan(0, (int)(together * imageStride)).Clear();
        paddedGradients.AsSpan(0, (int)(together * gradientStride)).Clear();
        fixed (float* x = s.X.Span, dz = s.Dz.Span, pv = v, pdy = dy, image = padded, gradient = paddedGradients)
        {
            for (int part = start; part < end; part++)
            {
                int first = (int)((long)groups * part / parts) * together, last = Math.Min(s.Batch, (int)((long)groups * (part + 1) / parts) * together);
                fixed (float* sums = s.Op._sums[part])
                {
                    new Span<float>(sums, Winograd3x3.Positions * outChannels * channels).Clear();
                    for (int n = first, count; n < last; n += count)
                    {
                        count = Math.Min(together, last - n);
                        for (int k = 0; k < count; k++)
                        {
                            Winograd3x3.ToChannelsLast(x + (nint)(n + k) * g.ImageLength, channels, g.Height, g.Width, image + k * imageStride, width, g.PadTop, g.PadLeft);
                            Winograd3x3.ToChannelsLast(dz + (nint)(n + k) * outputs, outChannels, g.OutputHeight, g.OutputWidth, gradient + k * gradientStride, gradientWidth, 0, 0);
                        }
                        for (int t = 0, total = count * tiles, length; t < total; t += length)
                        {
                            length = Math.Min(band, total - t);
                            Winograd3x3.TransformInputChannelsLast(image, imageStride, g, t, length, pv, ldv);
                            Winograd3x3.TransformOutputGradientChannelsLast(gradient, gradientStride, outChannels, g, t, length, pdy, ldu, band);
                            // S_ξ[O, C] += Ŷ_ξ[T, O]ᵀ·V_ξ[T, C]   (T: the band's tiles), eight rows of S from each panel of Ŷ_ξ
                            for (int xi = 0; xi < Winograd3x3.Positions; xi++)
                                for (int o = 0; o < outChannels; o += GemmPanel.Rows)
                                    GemmPanel.Accumulate(length, pdy + xi * ldu + (nint)o * band, pv + xi * ldv, channels, channels,
                                        sums + ((nint)xi * outChannels + o) * channels, channels);
                        }
                    }
                }
            }
        }
    }

    // Floats between the positions of a band: a few more than its tiles need, so that the 16 rows of one tile's stores
    // do not land in one set of the first-level cache when the band's size is a power of two.
    private static nint BandStride(int bandTiles, int channels) => (nint)bandTiles * channels + 16;

    // Per worker: V and Ŷ for the images (or the band of tiles) it takes at once and the padded planes they are made
    // from; per part, its 16 sums. Grown when needed.
    private void EnsureScratch(in ConvGeometry g, int outChannels, int batch, ComputeContext compute)
    {
        var (rows, columns) = Winograd3x3.Tiles(g);
        int tiles = rows * columns, workers = compute.WorkersFor(batch), perWorker = (batch + workers - 1) / workers;
        _channelsLast = Winograd3x3.UsesChannelsLastWeightGradient(g.Channels, outChannels);
        long inputs, gradients, padded, paddedGradients;
        if (_channelsLast)
        {
            // Enough images for a band of MinBandTiles tiles, in bands of at most MaxBandTiles.
            _imagesTogether = Math.Clamp((MinBandTiles + tiles - 1) / tiles, 1, perWorker);
            int total = _imagesTogether * tiles, bands = (total + MaxBandTiles - 1) / MaxBandTiles;
            _bandTiles = (total + bands - 1) / bands;
            inputs = Winograd3x3.Positions * BandStride(_bandTiles, g.Channels);
            gradients = Winograd3x3.Positions * BandStride(_bandTiles, outChannels);
            var (height, width) = Winograd3x3.PaddedChannelsLastSize(g);
            var (gradientHeight, gradientWidth) = Winograd3x3.GradientChannelsLastSize(g);
            padded = (long)_imagesTogether * height * width * g.Channels;
            paddedGradients = (long)_imagesTogether * gradientHeight * gradientWidth * outChannels;
        }
        else
        {
            _imagesTogether = Winograd3x3.ImagesPerGroup(tiles, g.Channels, outChannels, perWorker);
            long width = (long)_imagesTogether * tiles;
            inputs = Winograd3x3.Positions * g.Channels * width;
            gradients = Winograd3x3.Positions * outChannels * width;
            padded = Math.Max(Winograd3x3.PaddedLength(g), Winograd3x3.PaddedGradientLength(g));
            paddedGradients = 0;
        }
        int groups = (batch + _imagesTogether - 1) / _imagesTogether;
        _parts = workers == 1 ? 1 : Math.Min(groups, PartsPerWorker * workers);
        if (_inputs.Length < workers || _inputs[0].Length < inputs || _gradients[0].Length < gradients || _padded[0].Length < padded
            || _paddedGradients[0].Length < paddedGradients)
        {
            _inputs = new float[workers][];
            _gradients = new float[workers][];
            _padded = new float[workers][];
            _paddedGradients = new float[workers][];
            for (int w = 0; w < workers; w++)
            {
                _inputs[w] = new float[checked((int)inputs)];
                _gradients[w] = new float[checked((int)gradients)];
                _padded[w] = new float[checked((int)padded)];
                _paddedGradients[w] = new float[checked((int)paddedGradients)];
            }
        }
        int sums = Winograd3x3.Positions * outChannels * g.Channels;
        if (_sums.Length < _parts || _sums[0].Length < sums)
        {
            _sums = new float[_parts][];
            for (int p = 0; p < _parts; p++) _sums[p] = new float[sums];
        }
    }

    // Tiles per band in the channels-last layout: products of at least about 96 terms per sum (shorter ones spend
    // their time loading and storing S), at most 128, within the GEMM kernel's k block, and so that with up to 64
    // channels in and out a band's V and Ŷ (16·(C + O) floats a tile) stay within the second-level cache. With 128 in
    // and out a band of 96 tiles makes 1.5 MiB, and still ran faster than the tiles-innermost layout (measured).
    private const int MinBandTiles = 96, MaxBandTiles = 128;

    /// <summary>
    /// Parts per worker with more than one: enough that a worker on a core the machine slows (another program on it, or
    /// on its other half) takes fewer of them and the others are not held up; each part costs 16·O·C floats.
    /// </summary>
    private const int PartsPerWorker = 4;
}
