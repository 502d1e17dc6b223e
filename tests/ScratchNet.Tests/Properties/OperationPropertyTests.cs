using CsCheck;
using ScratchNet.Kernels;
using ScratchNet.Operations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Properties;

/// <summary>Random shapes through the convolution and pooling operations: consistent shapes and correct gradients.</summary>
public sealed class OperationPropertyTests
{
    private static readonly Gen<(int N, int C, int H, int W, int O, int KH, int KW, int SH, int SW, int Pad, int Threads, int Seed)> Shapes =
        from n in Gen.Int[1, 3]
        from c in Gen.Int[1, 3]
        from h in Gen.Int[3, 9]
        from w in Gen.Int[3, 9]
        from o in Gen.Int[1, 3]
        from kh in Gen.Int[1, 4]
        from kw in Gen.Int[1, 4]
        from sh in Gen.Int[1, 3]
        from sw in Gen.Int[1, 3]
        from pad in Gen.Int[0, 3]
        from threads in Gen.Int[1, 3]
        from seed in Gen.Int[2, 1000]
        select (n, c, h, w, o, kh, kw, sh, sw, pad, threads, seed);

    private static Padding PaddingOf(int pad) => pad switch { 0 => Padding.Valid, 1 => Padding.Same, 2 => Padding.Explicit(1, 0), _ => Padding.Explicit(0, 1, 1, 0) };

    [Trait("Category", "Slow")]
    [Fact]
    public void Conv2D_RandomShapes_KeepShapesAndPassTheGradientCheck()
    {
        Shapes.Sample(s =>
        {
            var weight = new Parameter("weight", TestData.Uniform(s.Seed, s.O, s.C, s.KH, s.KW));
            var op = new Conv2DOperation(weight, s.SH, s.SW, PaddingOf(s.Pad)) { Compute = new ComputeContext(s.Threads) };
            Tensor x = TestData.Uniform(s.Seed + 1, s.N, s.C, s.H, s.W);
            ConvGeometry g;
            try
            {
                g = op.GeometryFor(x.Shape);
            }
            catch (ShapeMismatchException)
            {
                return; // the kernel does not fit this input: refused, which is right
            }
            Tensor y = op.Forward(x, training: true);
            Assert.Equal([s.N, s.O, g.OutputHeight, g.OutputWidth], y.Shape.ToArray());
            Assert.Equal(x.Shape.ToArray(), op.Backward(new Tensor(y.Shape))!.Shape.ToArray());
            GradientCheckReport report = GradientChecker.Check(op, x, maxEntries: 48, seed: s.Seed);
            Assert.True(report.Passed(), report.ToString());
        }, iter: 60);
    }

    [Fact]
    public void Pooling_RandomShapes_KeepShapesAndPassTheGradientCheck()
    {
        Shapes.Sample(s =>
        {
            var kind = s.Seed % 2 == 0 ? PoolingKind.Max : PoolingKind.Average;
            var op = new PoolingOperation(kind, s.KH, s.KW, s.SH, s.SW, PaddingOf(s.Pad)) { Compute = new ComputeContext(s.Threads) };
            // Distinct, well separated values keep max pooling away from ties.
            var x = new Tensor(s.N, s.C, s.H, s.W);
            float[] values = Enumerable.Range(0, x.Length).Select(i => i * 0.05f).ToArray();
            new Random(s.Seed).Shuffle(values);
            values.CopyTo(x.Span);
            ConvGeometry g;
            try
            {
                g = op.GeometryFor(x.Shape);
            }
            catch (ShapeMismatchException)
            {
                return;
            }
            Tensor y = op.Forward(x, training: true);
            Assert.Equal([s.N, s.C, g.OutputHeight, g.OutputWidth], y.Shape.ToArray());
            GradientCheckReport report = GradientChecker.Check(op, x, maxEntries: 48, seed: s.Seed);
            Assert.True(report.Passed(), report.ToString());
        }, iter: 60);
    }
}
