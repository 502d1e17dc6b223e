using CsCheck;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Models;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Tests.Properties;

/// <summary>
/// Random and damaged bytes into every reader: the only exception is the documented one, and nothing
/// allocates more than the file could justify. CsCheck prints the seed of any failure to replay it.
/// </summary>
public sealed class ReaderPropertyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scratchnet-properties-").FullName;
    private int _files;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(_folder, $"f{Interlocked.Increment(ref _files)}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Mostly plausible IDX headers (magic, type 8, rank 1–4, small or absurd dimensions) with random data.
    private static readonly Gen<byte[]> IdxLike =
        from rank in Gen.Int[0, 5]
        from typeChoice in Gen.Int[0, 4]
        from dims in Gen.Int[0, 40].Array[rank]
        from huge in Gen.Bool
        from data in Gen.Byte.Array[0, 300]
        from prefix in Gen.Bool
        select Idx(rank, typeChoice < 3 ? (byte)8 : typeChoice == 3 ? (byte)9 : (byte)0x0D, huge ? dims.Select(d => d * 100_000).ToArray() : dims, data, prefix);

    private static byte[] Idx(int rank, byte type, int[] dims, byte[] data, bool valid)
    {
        if (!valid) return data;
        var bytes = new List<byte> { 0, 0, type, (byte)rank };
        foreach (int d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    [Fact]
    public void IdxFile_AnyBytes_ReadsOrThrowsDataFormatException_WithoutLargeAllocations()
    {
        IdxLike.Sample(bytes =>
        {
            string path = Write(bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                IdxArray array = IdxFile.Read(path);
                Assert.Equal(array.Dimensions.Aggregate(1L, (a, d) => a * d), array.Data.LongLength);
            }
            catch (DataFormatException e)
            {
                Assert.Contains(path, e.Message);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 2_000_000 + 8L * bytes.Length, $"{allocated} bytes allocated for a {bytes.Length}-byte file");
        }, iter: 400);
    }

    [Fact]
    public void IdxFile_AnyGzippedBytes_ReadsOrThrowsDataFormatException()
    {
        IdxLike.Sample(bytes =>
        {
            using var compressed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                gzip.Write(bytes);
            byte[] file = compressed.ToArray();
            string path = Write(file.Length > 20 && bytes.Length % 3 == 0 ? file[..(file.Length / 2)] : file);
            try
            {
                IdxFile.Read(path);
            }
            catch (DataFormatException)
            {
            }
        }, iter: 200);
    }

    [Fact]
    public void ModelFile_DamagedBytes_LoadOrThrowModelFileException_WithoutLargeAllocations()
    {
        NeuralNetwork network = ModelPreset.Mlp.CreateNetwork();
        network.Build([1, 4, 4]);
        string valid = Path.Combine(_folder, "valid.safetensors");
        network.Save(valid);
        byte[] original = File.ReadAllBytes(valid);

        var damage =
            from cut in Gen.Int[0, original.Length]
            from flips in Gen.Int[0, original.Length - 1].Array[0, 6]
            from values in Gen.Byte.Array[6]
            from random in Gen.Byte.Array[0, 64]
            from kind in Gen.Int[0, 2]
            select kind switch
            {
                0 => original[..cut],
                1 => Flip(original, flips, values),
                _ => random,
            };
        damage.Sample(bytes =>
        {
            string path = Write(bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                NeuralNetwork.Load(path);
            }
            catch (ModelFileException e)
            {
                Assert.Contains(path, e.Message);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 4_000_000 + 16L * bytes.Length, $"{allocated} bytes allocated for a {bytes.Length}-byte file");
        }, iter: 300);
    }

    private static byte[] Flip(byte[] original, int[] positions, byte[] values)
    {
        byte[] copy = (byte[])original.Clone();
        for (int i = 0; i < positions.Length; i++) copy[positions[i]] = values[i];
        return copy;
    }

    [Fact]
    public void ModelSpec_RandomArchitectures_SaveLoadSaveIsByteIdentical()
    {
        var layers =
            from filters in Gen.Int[1, 4]
            from kernel in Gen.Int[1, 3]
            from stride in Gen.Int[1, 2]
            from pad in Gen.Int[0, 2]
            from pool in Gen.Bool
            from units in Gen.Int[1, 5]
            from bias in Gen.Bool
            select (filters, kernel, stride, pad, pool, units, bias);
        layers.Sample(p =>
        {
            var network = new NeuralNetwork(
                [new Conv2D(p.filters, p.kernel, p.stride, p.pad == 2 ? ScratchNet.Operations.Padding.Same : ScratchNet.Operations.Padding.Explicit(p.pad, p.pad), p.bias),
                 p.pool ? new MaxPool2D(1) : new GlobalAvgPool2D(), new Flatten(), new Dense(p.units)],
                new ScratchNet.Losses.SoftmaxCrossEntropy(), seed: p.units);
            network.Build([1, 6, 5]);
            string a = Write([]), b = Write([]);
            network.Save(a);
            NeuralNetwork.Load(a).Save(b);
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        }, iter: 60);
    }
}
