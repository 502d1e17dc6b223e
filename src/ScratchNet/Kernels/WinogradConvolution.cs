namespace ScratchNet.Kernels;

/// <summary>
/// The forward pass of a 3×3, stride-1 convolution through <see cref="Winograd3x3"/>, with its scratch space: per
/// worker, images are transformed a few at a time into V [16, C, tiles], multiplied by the transformed filters U
/// [16, O, C] (16 matrix products), and transformed back into the output.
/// </summary>
/// <remarks>
/// U is computed again only when the weights changed since the last call (compared value by value, which costs far
/// less than the transform), so inference with fixed weights transforms them once. How many images share a group of
/// products is <see cref="Winograd3x3.ImagesPerGroup"/>'s choice; the workers take the groups as they become free
/// (<see cref="ComputeContext.ForEachChunk"/>), since an image's output does not depend on the group it was in.
/// </remarks>
internal sealed class WinogradConvolution
{
    private float[] _weightsSeen = [], _transformed = [];
    private float[][] _inputs = [], _products = [], _padded = [];
    private int _imagesTogether = 1;

    /// <summary>z = w ∗ x for <paramref name="input"/> [N, C, H, W] and <paramref name="weights"/> [O, C, 3, 3].</summary>
    /// <remarks><paramref name="epilogue"/>, when given, runs on each image's output once it is written.</remarks>
    public void Forward(Tensor weights, Tensor input, Tensor output, ConvGeometry g, ComputeContext compute, IImageEpilogue? epilogue = null)
    {
        int outChannels = weights.Dim(0), batch = input.Dim(0);
        TransformWeightsIfChanged(weights.Span, outChannels, g.Channels);
        EnsureScratch(g, outChannels, batch, compute);
        var state = (Op: this, X: input, Z: output, G: g, Out: outChannels, Compute: compute, Epilogue: epilogue);
        compute.ForEachChunk(batch, _imagesTogether, state, Convolve);   // every image's result is the same on any worker
    }

    // Images [start, end), `_imagesTogether` at a time, with worker `worker`'s scratch.
    private static void Convolve(in (WinogradConvolution Op, Tensor X, Tensor Z, ConvGeometry G, int Out, ComputeContext Compute, IImageEpilogue? Epilogue) s, int worker, int start, int end)
    {
        ConvGeometry g = s.G;
        var (rows, columns) = Winograd3x3.Tiles(g);
        int tiles = rows * columns, channels = g.Channels, outputs = s.Out * g.OutputPlane;
        Span<float> v = s.Op._inputs[worker], m = s.Op._products[worker], padded = s.Op._padded[worker];
        ReadOnlySpan<float> u = s.Op._transformed;
        for (int n = start, count; n < end; n += count)
        {
            count = Math.Min(s.Op._imagesTogether, end - n);
            int width = count * tiles;
            Winograd3x3.TransformInput(s.X.Span.Slice(n * g.ImageLength, count * g.ImageLength), count, g, padded, v, width);
            for (int xi = 0; xi < Winograd3x3.Positions; xi++)
            {
                // M_ξ[O, T] = U_ξ[O, C]·V_ξ[C, T]   (T: the tiles of `count` images side by side)
                ReadOnlySpan<float> a = u.Slice(xi * s.Out * channels, s.Out * channels), b = v.Slice(xi * channels * width, channels * width);
                Span<float> c = m.Slice(xi * s.Out * width, s.Out * width);
                if (s.X.Dim(0) == 1)   // a single image: the threads share its products
                    Gemm.Multiply(s.Compute, false, false, s.Out, width, channels, 1f, a, channels, b, width, 0f, c, width);
                else
                    Gemm.Multiply(false, false, s.Out, width, channels, 1f, a, channels, b, width, 0f, c, width);
            }
            for (int i = 0; i < count; i++)
            {
                Span<float> image = s.Z.Span.Slice((n + i) * outputs, outputs);
                Winograd3x3.TransformOutput(m, s.Out, width, i * tiles, g, image);
                s.Epilogue?.Apply(image);
            }
        }
    }

    private void TransformWeightsIfChanged(ReadOnlySpan<float> weights, int outChannels, int inChannels)
    {
        int length = Winograd3x3.Positions * outChannels * inChannels;
        if (_transformed.Length == length && weights.SequenceEqual(_weightsSeen)) return;
        if (_transformed.Length != length) _transformed = new float[length];
        if (_weightsSeen.Length != weights.Length) _weightsSeen = new float[weights.Length];
        Winograd3x3.TransformWeights(weights, outChannels, inChannels, _transformed);
        weights.CopyTo(_weightsSeen);
    }

    // Per worker: V and M for the images it takes at once, and one padded channel; grown when needed.
    private void EnsureScratch(in ConvGeometry g, int outChannels, int batch, ComputeContext compute)
    {
        var (rows, columns) = Winograd3x3.Tiles(g);
        int tiles = rows * columns, workers = compute.WorkersFor(batch), perWorker = (batch + workers - 1) / workers;
        _imagesTogether = Winograd3x3.ImagesPerGroup(tiles, g.Channels, outChannels, perWorker);
        long width = (long)_imagesTogether * tiles;
        int inputs = checked((int)(Winograd3x3.Positions * g.Channels * width)), products = checked((int)(Winograd3x3.Positions * outChannels * width));
        int padded = Winograd3x3.PaddedLength(g);
        if (_inputs.Length < workers || _inputs[0].Length < inputs || _products[0].Length < products || _padded[0].Length < padded)
        {
            _inputs = new float[workers][];
            _products = new float[workers][];
            _padded = new float[workers][];
            for (int w = 0; w < workers; w++)
            {
                _inputs[w] = new float[inputs];
                _products[w] = new float[products];
                _padded[w] = new float[padded];
            }
        }
    }
}
