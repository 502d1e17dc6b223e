using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary>Reads one image of a source into a new array, for assertions.</summary>
internal static class SourceReading
{
    public static float[] ReadImage(this IImageSource source, int index)
    {
        var values = new float[source.ImageShape[0] * source.ImageShape[1] * source.ImageShape[2]];
        source.Read(index, values);
        return values;
    }
}
