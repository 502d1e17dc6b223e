using System.Runtime.ExceptionServices;

namespace ScratchNet.Data;

/// <summary>
/// A pass that reads batches ahead on background threads into a ring of batch buffers. Batch b lives in slot
/// b mod depth; a reader may fill batch b once the consumer has released every batch before b − depth + 1, and the
/// consumer releases a batch by asking for the next one, so the tensors it holds are never overwritten under it.
/// </summary>
internal sealed class PrefetchingBatchPass : IBatchPass
{
    private sealed class Slot
    {
        public Tensor? Images, Targets;
        public int Batch = -1;
    }

    private readonly IImageSource _source;
    private readonly Standardizer? _standardizer;
    private readonly int[] _order;
    private readonly int _batchSize, _batchCount, _classes;
    private readonly int[] _sampleShape;
    private readonly Slot[] _slots;
    private readonly Thread[] _readers;
    private readonly object _gate = new();
    private int _nextToRead, _nextToHand, _released;
    private ExceptionDispatchInfo? _failure; // the first failed batch's error, raised when the consumer reaches that batch
    private int _failedBatch = int.MaxValue;
    private bool _stopped;

    public PrefetchingBatchPass(IImageSource source, Standardizer? standardizer, int[] order, int batchSize, int firstBatch, int readers, int depth)
    {
        (_source, _standardizer, _order, _batchSize) = (source, standardizer, order, batchSize);
        _batchCount = (order.Length + batchSize - 1) / batchSize;
        _classes = source.ClassNames.Count;
        _sampleShape = [.. source.ImageShape];
        _nextToRead = _nextToHand = _released = Math.Min(firstBatch, _batchCount);
        _slots = new Slot[depth + 1]; // depth batches ahead plus the one the consumer holds
        for (int i = 0; i < _slots.Length; i++) _slots[i] = new Slot();
        _readers = new Thread[Math.Min(readers, Math.Max(1, _batchCount - _nextToRead))];
        for (int i = 0; i < _readers.Length; i++)
        {
            _readers[i] = new Thread(ReadBatches) { IsBackground = true, Name = $"ScratchNet batch reader {i}" };
            _readers[i].Start();
        }
    }

    public (Tensor Images, Tensor Targets) Next()
    {
        lock (_gate)
        {
            int batch = _nextToHand;
            if (batch >= _batchCount) throw new InvalidOperationException("The pass has no batch left.");
            _released = batch; // the batch handed out before this one is done with
            Monitor.PulseAll(_gate);
            Slot slot = _slots[batch % _slots.Length];
            while (slot.Batch != batch && _failedBatch > batch) Monitor.Wait(_gate);
            if (_failedBatch <= batch) _failure!.Throw();
            _nextToHand++;
            return (slot.Images!, slot.Targets!);
        }
    }

    private void ReadBatches()
    {
        while (true)
        {
            int batch;
            lock (_gate)
            {
                while (!_stopped && _failure is null && _nextToRead < _batchCount && _nextToRead >= _released + _slots.Length)
                    Monitor.Wait(_gate);
                if (_stopped || _failure is not null || _nextToRead >= _batchCount) return;
                batch = _nextToRead++;
            }
            try
            {
                Slot slot = _slots[batch % _slots.Length];
                Fill(slot, batch);
                lock (_gate)
                {
                    slot.Batch = batch;
                    Monitor.PulseAll(_gate);
                }
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    // Batches before this one are already taken by other readers and still arrive.
                    if (batch < _failedBatch) (_failedBatch, _failure) = (batch, ExceptionDispatchInfo.Capture(e));
                    Monitor.PulseAll(_gate);
                }
                return;
            }
        }
    }

    // Reads, standardises and one-hot-encodes the images of one batch into the slot's tensors.
    private void Fill(Slot slot, int batch)
    {
        int start = batch * _batchSize, count = Math.Min(_batchSize, _order.Length - start);
        Tensor images = Tensor.Reuse(ref slot.Images, [count, .. _sampleShape]);
        Tensor targets = Tensor.Reuse(ref slot.Targets, count, _classes);
        int sample = images.SampleLength, plane = _sampleShape[1] * _sampleShape[2];
        Span<float> pixels = images.Span, oneHot = targets.Span;
        oneHot.Clear();
        for (int i = 0; i < count; i++)
        {
            int index = _order[start + i];
            Span<float> image = pixels.Slice(i * sample, sample);
            _source.Read(index, image);
            _standardizer?.ApplyInPlace(image, plane);
            oneHot[i * _classes + _source.Labels[index]] = 1f;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
        foreach (Thread reader in _readers) reader.Join();
    }
}
