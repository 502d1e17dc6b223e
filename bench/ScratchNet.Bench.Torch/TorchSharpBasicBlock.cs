using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace ScratchNet.Bench.Torch;

/// <summary>
/// The torch.nn twin of a ScratchNet <c>Residual</c> block with a ReLU after the sum: y = relu(body(x) + shortcut(x)),
/// the shortcut being x itself when <paramref name="shortcut"/> is null. Its modules are registered as "body" and
/// "shortcut", the names ScratchNet gives the two paths, so the parameters list in the same order:
/// the body's, then the shortcut's.
/// </summary>
public sealed class TorchSharpBasicBlock : nn.Module<TorchTensor, TorchTensor>
{
    private readonly Sequential _body;
    private readonly Sequential? _shortcut;

    /// <summary>Creates the block around its two paths.</summary>
    public TorchSharpBasicBlock(Sequential body, Sequential? shortcut) : base(nameof(TorchSharpBasicBlock))
    {
        _body = body;
        _shortcut = shortcut;
        register_module("body", _body);
        if (_shortcut is not null) register_module("shortcut", _shortcut);
    }

    /// <inheritdoc />
    public override TorchTensor forward(TorchTensor input) =>
        nn.functional.relu(_body.call(input) + (_shortcut is null ? input : _shortcut.call(input)));

}
