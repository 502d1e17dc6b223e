using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Kernels;

/// <summary>
/// tanh over a span, eight values at a time, in single precision throughout (within 2 ulp of the exact value, checked
/// against <see cref="Math.Tanh(double)"/> in the tests). The library routine it replaces computes through double
/// precision and cost more than the convolution it follows in the notebook's model.
/// </summary>
/// <remarks>
/// tanh is odd, so it works on a = |x| and puts the sign back. Below 0.5 it is a + a³·P(a²), P a polynomial close to
/// the series −1/3 + 2a²/15 − …; from 0.5 on it is 1 − 2/(e^{2a} + 1), which has no cancellation there (the result is
/// above 0.46), with a capped at 10 where tanh rounds to 1. e^v is 2ⁿ·e^r with n = round(v/ln 2), r = v − n·ln 2 in
/// two parts (Cody and Waite) so |r| ≤ ln 2 / 2, and e^r a polynomial. Both polynomials are Chebyshev fits we made
/// with mpmath's <c>chebyfit</c> at 40 digits (bench/tanh-fit.py), which need fewer terms than the series. The last partial vector is computed in a zero-padded copy, so every value gets the same
/// arithmetic wherever it sits in the span: the result never depends on how the work was split among threads.
/// </remarks>
public static class TanhKernel
{
    private const float SeriesLimit = 0.5f, SaturationLimit = 10f;
    private const float Log2E = 1.44269504f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;

    /// <summary>y = tanh(x), element by element; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException($"tanh: the output has {y.Length} values, the input {x.Length}.", nameof(y));
        if (!Vector256.IsHardwareAccelerated)
        {
            TensorPrimitives.Tanh(x, y);
            return;
        }
        int n = x.Length, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        for (; i <= n - 8; i += 8)
            Tanh(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
        if (i < n)
        {
            Span<float> tail = stackalloc float[8];
            tail.Clear();
            x[i..].CopyTo(tail);
            Tanh(Vector256.Create<float>(tail)).CopyTo(tail);
            tail[..(n - i)].CopyTo(y[i..]);
        }
    }

    /// <summary>
    /// dx = dy·(1 − y²), tanh's derivative from its output, in one pass (three library passes each read and write a
    /// whole batch of activations, which at seed-cnn's 3 MB was slower than the arithmetic). Each value gets the same
    /// three roundings — y·y, 1 − that, times dy — in the vector loop and the scalar tail, so the split does not matter.
    /// </summary>
    public static void Derivative(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (dy.Length < y.Length || dx.Length < y.Length)
            throw new ArgumentException($"tanh derivative: {y.Length} outputs, {dy.Length} output gradients, room for {dx.Length}.");
        int n = y.Length, i = 0;
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float dys = ref MemoryMarshal.GetReference(dy);
        ref float dxs = ref MemoryMarshal.GetReference(dx);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref ys, (nuint)i);
                ((Vector256<float>.One - v * v) * Vector256.LoadUnsafe(ref dys, (nuint)i)).StoreUnsafe(ref dxs, (nuint)i);
            }
        for (; i < n; i++) dx[i] = (1f - y[i] * y[i]) * dy[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> a = Vector256.Abs(x), s = a * a;
        // a + a·s·P(s), P a degree-4 fit to (tanh(a) − a)/a³ on s = a² ∈ [0, 0.25] (error under 6e-9).
        var p = Vector256.Create(-0.00694294175f);
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(0.0214706830f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(-0.0539334691f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(0.133332258f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(-0.333333328f));
        Vector256<float> series = Vector256.FusedMultiplyAdd(a * s, p, a);

        Vector256<float> e = Exp(Vector256.Min(a, Vector256.Create(SaturationLimit)) * 2f);
        Vector256<float> saturating = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);

        Vector256<float> magnitude = Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(SeriesLimit)), series, saturating);
        return magnitude | (x & Vector256.Create(-0f));   // the sign of x
    }

    // e^v for 0 ≤ v ≤ 20: 2ⁿ·e^r (see the remarks).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> v)
    {
        Vector256<float> n = Vector256.Round(v * Log2E);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), v);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        // e^r by a degree-6 fit on |r| ≤ ln 2 / 2 (relative error under 2e-9).
        var p = Vector256.Create(0.00139411084f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.00837512640f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.0416663529f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.166664155f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.500000005f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.00000004f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        Vector256<int> scale = (Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23;   // n is a small integer: no saturation needed
        return p * scale.AsSingle();
    }
}
