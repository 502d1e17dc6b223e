namespace ScratchNet.Tests;

/// <summary>
/// The sizes of one convolution, with the zero padding of each side spelled out
/// (what "same" resolves to is decided by the test, not taken from the library).
/// </summary>
internal sealed record ConvSpec(
    int Batch, int InChannels, int Height, int Width,
    int OutChannels, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int PadTop, int PadBottom, int PadLeft, int PadRight, int Groups = 1)
{
    /// <summary>The input channels each filter sees (all of them unless grouped).</summary>
    public int GroupChannels => InChannels / Groups;

    public int OutputHeight => (Height + PadTop + PadBottom - KernelHeight) / StrideHeight + 1;
    public int OutputWidth => (Width + PadLeft + PadRight - KernelWidth) / StrideWidth + 1;
    public int[] InputShape => [Batch, InChannels, Height, Width];
    public int[] WeightShape => [OutChannels, GroupChannels, KernelHeight, KernelWidth];
    public int[] OutputShape => [Batch, OutChannels, OutputHeight, OutputWidth];

    /// <summary>TensorFlow's "same": output ⌈size/stride⌉, total padding split with the extra zero after.</summary>
    public static (int Before, int After) SamePadding(int size, int kernel, int stride)
    {
        int outputs = (size + stride - 1) / stride;
        int total = Math.Max((outputs - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }
}

/// <summary>
/// Convolution written as loops straight from the notebook's formula, in double precision:
/// z[n,o,i,j] = b[o] + Σ_{c,u,v} x[n, c, i·sh + u − pt, j·sw + v − pl] · w[o, c, u, v] (zero outside x).
/// Grouped: output o of group k = o / (O/G) sums only over c = k·C/G + c', with w[o, c', u, v].
/// The gradients are the chain rule of that sum, written as the same loops.
/// </summary>
internal static class NaiveConvolution
{
    // Calls body(n, o, i, j, c', u, v, flatInputIndex) for every term of the sum whose input lies inside x
    // (c' is the channel within o's group, which indexes the weight).
    private static void ForEachTerm(ConvSpec s, Action<int, int, int, int, int, int, int, int> body)
    {
        for (int n = 0; n < s.Batch; n++)
        for (int o = 0; o < s.OutChannels; o++)
        for (int i = 0; i < s.OutputHeight; i++)
        for (int j = 0; j < s.OutputWidth; j++)
        for (int c = 0; c < s.GroupChannels; c++)
        for (int u = 0; u < s.KernelHeight; u++)
        for (int v = 0; v < s.KernelWidth; v++)
        {
            int y = i * s.StrideHeight + u - s.PadTop, x = j * s.StrideWidth + v - s.PadLeft;
            if (y < 0 || y >= s.Height || x < 0 || x >= s.Width) continue; // zero padding
            int channel = o / (s.OutChannels / s.Groups) * s.GroupChannels + c;
            body(n, o, i, j, c, u, v, ((n * s.InChannels + channel) * s.Height + y) * s.Width + x);
        }
    }

    private static int OutIndex(ConvSpec s, int n, int o, int i, int j) => ((n * s.OutChannels + o) * s.OutputHeight + i) * s.OutputWidth + j;

    private static int WeightIndex(ConvSpec s, int o, int c, int u, int v) => ((o * s.GroupChannels + c) * s.KernelHeight + u) * s.KernelWidth + v;

    /// <summary>z = conv(x, w) + b, [N, O, OH, OW].</summary>
    public static double[] Forward(ConvSpec s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias = default)
    {
        float[] xs = x.ToArray(), ws = w.ToArray(), bs = bias.ToArray();
        var z = new double[s.Batch * s.OutChannels * s.OutputHeight * s.OutputWidth];
        if (bs.Length > 0)
            for (int n = 0; n < s.Batch; n++)
            for (int o = 0; o < s.OutChannels; o++)
            for (int i = 0; i < s.OutputHeight; i++)
            for (int j = 0; j < s.OutputWidth; j++)
                z[OutIndex(s, n, o, i, j)] = bs[o];
        ForEachTerm(s, (n, o, i, j, c, u, v, xi) => z[OutIndex(s, n, o, i, j)] += (double)xs[xi] * ws[WeightIndex(s, o, c, u, v)]);
        return z;
    }

    /// <summary>dW[o,c,u,v] = Σ_{n,i,j} dz[n,o,i,j] · x[n, c, i·sh + u − pt, j·sw + v − pl].</summary>
    public static double[] WeightGradient(ConvSpec s, ReadOnlySpan<float> x, ReadOnlySpan<float> dz)
    {
        float[] xs = x.ToArray(), dzs = dz.ToArray();
        var dw = new double[s.OutChannels * s.GroupChannels * s.KernelHeight * s.KernelWidth];
        ForEachTerm(s, (n, o, i, j, c, u, v, xi) => dw[WeightIndex(s, o, c, u, v)] += (double)dzs[OutIndex(s, n, o, i, j)] * xs[xi]);
        return dw;
    }

    /// <summary>dx[n, c, i·sh + u − pt, j·sw + v − pl] += dz[n,o,i,j] · w[o,c,u,v].</summary>
    public static double[] InputGradient(ConvSpec s, ReadOnlySpan<float> w, ReadOnlySpan<float> dz)
    {
        float[] ws = w.ToArray(), dzs = dz.ToArray();
        var dx = new double[s.Batch * s.InChannels * s.Height * s.Width];
        ForEachTerm(s, (n, o, i, j, c, u, v, xi) => dx[xi] += (double)dzs[OutIndex(s, n, o, i, j)] * ws[WeightIndex(s, o, c, u, v)]);
        return dx;
    }

    /// <summary>db[o] = Σ_{n,i,j} dz[n,o,i,j].</summary>
    public static double[] BiasGradient(ConvSpec s, ReadOnlySpan<float> dz)
    {
        var db = new double[s.OutChannels];
        for (int n = 0; n < s.Batch; n++)
        for (int o = 0; o < s.OutChannels; o++)
        for (int p = 0; p < s.OutputHeight * s.OutputWidth; p++)
            db[o] += dz[(n * s.OutChannels + o) * s.OutputHeight * s.OutputWidth + p];
        return db;
    }

    /// <summary>
    /// The notebook's <c>_param_grad</c> translated to loops, bug included: its patches are stacked
    /// position-major (row r = p·N + n) but its output gradient is reshaped batch-major
    /// (row r = n·P + p), and the matrix product pairs row r of one with row r of the other.
    /// </summary>
    public static double[] NotebookWeightGradient(ConvSpec s, ReadOnlySpan<float> x, ReadOnlySpan<float> dz)
    {
        int positions = s.OutputHeight * s.OutputWidth;
        var dw = new double[s.OutChannels * s.InChannels * s.KernelHeight * s.KernelWidth];
        for (int r = 0; r < s.Batch * positions; r++)
        {
            int patchImage = r % s.Batch, patchPosition = r / s.Batch;       // (position, batch) order
            int gradImage = r / positions, gradPosition = r % positions;     // (batch, position) order
            int i = patchPosition / s.OutputWidth, j = patchPosition % s.OutputWidth;
            int gi = gradPosition / s.OutputWidth, gj = gradPosition % s.OutputWidth;
            for (int o = 0; o < s.OutChannels; o++)
            for (int c = 0; c < s.InChannels; c++)
            for (int u = 0; u < s.KernelHeight; u++)
            for (int v = 0; v < s.KernelWidth; v++)
            {
                int y = i * s.StrideHeight + u - s.PadTop, xx = j * s.StrideWidth + v - s.PadLeft;
                if (y < 0 || y >= s.Height || xx < 0 || xx >= s.Width) continue;
                double input = x[((patchImage * s.InChannels + c) * s.Height + y) * s.Width + xx];
                dw[WeightIndex(s, o, c, u, v)] += input * dz[OutIndex(s, gradImage, o, gi, gj)];
            }
        }
        return dw;
    }

    /// <summary>
    /// The notebook's <c>_input_grad</c> translated to loops, bug included (stride 1, "same" padding):
    /// it correlates the padded output gradient with the kernel as is,
    /// dx[n,c,i,j] = Σ_{o,u,v} dz[n, o, i + u − pt, j + v − pl] · w[o,c,u,v], where the chain rule needs
    /// dz[n, o, i − u + pt, j − v + pl], i.e. the kernel turned by 180°.
    /// </summary>
    public static double[] NotebookInputGradient(ConvSpec s, ReadOnlySpan<float> w, ReadOnlySpan<float> dz)
    {
        var dx = new double[s.Batch * s.InChannels * s.Height * s.Width];
        for (int n = 0; n < s.Batch; n++)
        for (int c = 0; c < s.InChannels; c++)
        for (int i = 0; i < s.Height; i++)
        for (int j = 0; j < s.Width; j++)
        {
            double sum = 0;
            for (int o = 0; o < s.OutChannels; o++)
            for (int u = 0; u < s.KernelHeight; u++)
            for (int v = 0; v < s.KernelWidth; v++)
            {
                int y = i + u - s.PadTop, x = j + v - s.PadLeft;
                if (y < 0 || y >= s.OutputHeight || x < 0 || x >= s.OutputWidth) continue;
                sum += (double)dz[OutIndex(s, n, o, y, x)] * w[WeightIndex(s, o, c, u, v)];
            }
            dx[((n * s.InChannels + c) * s.Height + i) * s.Width + j] = sum;
        }
        return dx;
    }
}
