using System.Numerics.Tensors;
using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>
/// Parallel branches joined along the channel axis (Inception's branches, DenseNet's concatenation of a block's
/// input with its new features): y = [branch₀(x), branch₁(x), …] on axis 1. A branch with no layers is the identity.
/// Parameters are named "branches.{b}.{i}.{name}" ("2.branches.1.0.weight" at position 2 of a network).
/// </summary>
public sealed class Concat : CompositeLayer
{
    private readonly Tensor?[] _outputs;          // each branch's output of the last forward pass
    private readonly Tensor?[] _branchGradients;  // each branch's slice of ∂L/∂y, made contiguous
    private Tensor? _output;
    private Tensor? _inputGradient;

    /// <summary>Creates the block from at least two <paramref name="branches"/> (each a list of new layers; empty for the identity).</summary>
    public Concat(IEnumerable<IEnumerable<Layer>> branches) : base(BranchChains(branches))
    {
        _outputs = new Tensor?[Chains.Count];
        _branchGradients = new Tensor?[Chains.Count];
    }

    /// <summary>The branches' layers, in channel order.</summary>
    public IReadOnlyList<IReadOnlyList<Layer>> Branches => Chains.Select(c => c.Layers).ToArray();

    private static LayerChain[] BranchChains(IEnumerable<IEnumerable<Layer>> branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        LayerChain[] chains = branches.Select((b, i) => new LayerChain($"branches.{i}", b, "Concat")).ToArray();
        return chains.Length >= 2 ? chains : throw new ArgumentException($"Concat: needs at least two branches, got {chains.Length}.", nameof(branches));
    }

    // Every branch output must agree with branch 0 in all axes but the channels (axis 0 of a sample).
    private protected override int[] Combine(int[][] outputs)
    {
        int[] first = outputs[0];
        int channels = 0;
        for (int b = 0; b < outputs.Length; b++)
        {
            if (outputs[b].Length == 0 || outputs[b].Length != first.Length || !outputs[b].AsSpan(1).SequenceEqual(first.AsSpan(1)))
                throw new ShapeMismatchException(
                    $"Concat: branch {b} output {Shape(outputs[b])} vs branch 0 {Shape(first)}: branches must agree in every axis but the channels (the first after the batch).");
            channels = checked(channels + outputs[b][0]);
        }
        return [channels, .. first.AsSpan(1)];
    }

    // x: [N, ...] → branch b gives [N, C_b, ...] (same "..." for all); y: [N, ΣC_b, ...], branch b at channels
    // [o_b, o_b + C_b). Per sample, branch b's C_b·plane values are one run, so each is copied as a block.
    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, bool training)
    {
        int n = input.Dim(0), outputSample = 0;
        for (int b = 0; b < _outputs.Length; b++)
        {
            _outputs[b] = Chains[b].Forward(input, training);
            outputSample += _outputs[b]!.SampleLength;
        }
        Tensor first = _outputs[0]!;
        Span<int> shape = stackalloc int[first.Rank];
        first.Shape.CopyTo(shape);
        shape[1] = outputSample / (first.SampleLength / first.Dim(1));
        Tensor output = Tensor.Reuse(ref _output, shape);
        Span<float> y = output.Span;
        for (int i = 0, offset = 0; i < n; i++)
            for (int b = 0; b < _outputs.Length; b++)
            {
                int run = _outputs[b]!.SampleLength;
                _outputs[b]!.Span.Slice(i * run, run).CopyTo(y.Slice(offset, run));
                offset += run;
            }
        return output;
    }

    // ∂L/∂(branch b's output) is branch b's channel slice of ∂L/∂y; x feeds every branch, so
    //   ∂L/∂x = Σ_b branch_bᵀ(slice_b(∂L/∂y))
    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient)
    {
        int n = outputGradient.Dim(0);
        ReadOnlySpan<float> dy = outputGradient.Span;
        for (int b = 0, start = 0; b < _outputs.Length; b++)
        {
            int run = _outputs[b]!.SampleLength;
            Tensor slice = Tensor.Reuse(ref _branchGradients[b], _outputs[b]!.Shape);
            Span<float> g = slice.Span;
            for (int i = 0; i < n; i++) dy.Slice(i * outputGradient.SampleLength + start, run).CopyTo(g.Slice(i * run, run));
            start += run;
        }
        Tensor? dx = null;
        for (int b = 0; b < _outputs.Length; b++)
        {
            Tensor? branch = Chains[b].Backward(_branchGradients[b]!);   // fills the branch's parameter gradients
            if (branch is null || !ComputesInputGradient) continue;       // the network's first layer: nobody needs ∂L/∂x
            if (dx is null) branch.Span.CopyTo((dx = Tensor.Reuse(ref _inputGradient, branch.Shape)).Span);
            else TensorPrimitives.Add(dx.Span, branch.Span, dx.Span);
        }
        return dx;
    }
}
