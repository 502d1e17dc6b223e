namespace ScratchNet.Data;

/// <summary>The data set layouts <see cref="DataSources.Open"/> recognises.</summary>
public enum DataLayout
{
    /// <summary>A folder with the four MNIST-style IDX files (plain or gzipped).</summary>
    Idx,

    /// <summary>A folder of class folders of PNG, JPEG or BMP files, optionally under train/ and test/ (or val/, validation/).</summary>
    ImageFolder,

    /// <summary>CSV files of rows <c>label,pixel1,…,pixelN</c> (Kaggle's MNIST and Fashion-MNIST).</summary>
    Csv,

    /// <summary>The CIFAR-10 binary batches: data_batch_1.bin … data_batch_5.bin, test_batch.bin and batches.meta.txt.</summary>
    Cifar10,
}
