using ScratchNet.Data;

namespace ScratchNet.Bench.Torch;

/// <summary>One engine training one model: the harness in <see cref="ChildRun"/> times <see cref="Step"/>.</summary>
public interface IEngineSession : IDisposable
{
    /// <summary>Threads the engine reports it uses (for TorchSharp: <c>torch.get_num_threads()</c>).</summary>
    int ReportedThreads { get; }

    /// <summary>Learnable values in the model (weights, biases, batch-norm γ and β; not the running statistics).</summary>
    long ParameterCount { get; }

    /// <summary>The engine's version, for the table.</summary>
    string Version { get; }

    /// <summary>
    /// One optimiser step on the training images at <paramref name="indices"/>: copy the batch, forward,
    /// loss, backward, update. Returns the batch's mean loss.
    /// </summary>
    float Step(ReadOnlySpan<int> indices);

    /// <summary>Mean loss and accuracy on <paramref name="data"/>, in inference mode, <paramref name="batchSize"/> images at a time.</summary>
    (double Loss, double Accuracy) Evaluate(ImageDataset data, int batchSize);
}
