namespace ScratchNet.Data;

/// <summary>A data set opened by <see cref="DataSources.Open"/>: its training and test images and what was found.</summary>
/// <param name="Train">The training images.</param>
/// <param name="Test">The test images, with the same classes and image shape.</param>
/// <param name="Description">The layout, counts per class, image shape and ignored or skipped files.</param>
public sealed record TrainTestSources(IImageSource Train, IImageSource Test, DataDescription Description);
