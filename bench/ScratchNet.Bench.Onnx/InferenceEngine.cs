using Microsoft.ML.OnnxRuntime;
using ScratchNet;
using ScratchNet.Training;

namespace ScratchNet.Bench.Onnx;

/// <summary>One engine running a model on standardised batches [n, C, H, W]; the result is read back (one logit summed) so no work is skipped.</summary>
internal interface IInferenceEngine : IDisposable
{
    string Name { get; }

    float Run(float[] images, int count);
}

/// <summary>ScratchNet's inference path: <see cref="NeuralNetwork.Infer"/>, on a tensor over the batch.</summary>
internal sealed class ScratchNetEngine(NeuralNetwork network, int[] sample, int threads) : IInferenceEngine
{
    private readonly NeuralNetwork _network = Configure(network, threads);

    public string Name => "ScratchNet";

    private static NeuralNetwork Configure(NeuralNetwork network, int threads)
    {
        network.Threads = threads;
        return network;
    }

    public float Run(float[] images, int count) => _network.Infer(new Tensor(images, [count, .. sample])).Span[0];

    public void Dispose() { }
}

/// <summary>ONNX Runtime's CPU provider, all graph optimisations, <c>threads</c> intra-op threads, sequential execution.</summary>
internal sealed class OnnxRuntimeEngine : IInferenceEngine
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _run = new();
    private readonly long[] _shape;

    public OnnxRuntimeEngine(byte[] model, int[] sample, int threads)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, _options);
        _shape = [0, .. sample.Select(d => (long)d)];
    }

    public string Name => "ONNX Runtime";

    public float Run(float[] images, int count)
    {
        _shape[0] = count;
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, images.AsMemory(0, count * (int)(_shape[1] * _shape[2] * _shape[3])), _shape);
        using var outputs = _session.Run(_run, ["input"], [input], _session.OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
