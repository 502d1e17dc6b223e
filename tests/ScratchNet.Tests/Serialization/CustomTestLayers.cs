using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;

namespace ScratchNet.Tests.Serialization;

/// <summary>y = s·x³ with a setting s (dy/dx = 3s·x²): an operation of a user's, with a setting its init checks.</summary>
[ScratchNetLayer("test_scaled_cube")]
public sealed class ScaledCube : Activation
{
    private readonly float _scale = 1;

    public float Scale
    {
        get => _scale;
        init => _scale = float.IsFinite(value) && value != 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"ScaledCube: scale must be a finite number other than 0, got {value}.");
    }

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Scale * x[i] * x[i] * x[i];
    }

    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = 3 * Scale * x[i] * x[i] * dy[i];
    }
}

/// <summary>
/// y[n, c, …] = x[n, c, …] + shift[c], a learned shift per channel starting at <see cref="Initial"/>: a layer of a user's
/// with a parameter, and settings of every supported type (only <see cref="Initial"/> changes what it computes).
/// </summary>
[ScratchNetLayer("test_shift")]
public sealed class LearnedShift : Layer
{
    public float Initial { get; init; }
    public double Weight { get; set; } = 0.5;
    public int Count { get; init; } = 1;
    public long Big { get; init; }
    public bool Enabled { get; init; } = true;
    public string Note { get; init; } = "";
    public PaddingMode Mode { get; init; } = PaddingMode.Same;

    /// <summary>Not a setting: computed, with no set or init.</summary>
    public string Description => $"shift from {Initial}";

    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        var shift = new Parameter("shift", new Tensor(sampleShape[0]));
        shift.Value.Span.Fill(Initial);
        return [new BiasAdd(shift)];
    }

    public override IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape) => [("shift", [sampleShape[0]])];

    protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
}

/// <summary>A layer that creates a parameter but does not declare it in StateShapes: its file could never be loaded.</summary>
public sealed class UndeclaredShift : Layer
{
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random) =>
        [new BiasAdd(new Parameter("shift", new Tensor(sampleShape[0])))];

    protected override int[] ComputeOutputShape(int[] inputShape) => inputShape;
}

/// <summary>An operation never registered.</summary>
public sealed class Unregistered : Activation
{
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);

    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => dy.CopyTo(dx);
}

/// <summary>Classes that cannot be registered, each for one reason.</summary>
public static class BadCustomClasses
{
    [ScratchNetLayer("relu")]
    public sealed class NamedLikeABuiltIn : Identity;

    public sealed class NoConstructorWithoutParameters(float alpha) : Identity
    {
        public float Alpha => alpha;
    }

    public sealed class ListSetting : Identity
    {
        public List<int> Values { get; set; } = [];
    }

    public sealed class GetOnlyAutoProperty : Identity
    {
        public float Alpha { get; } = 2;
    }

    public sealed class SettingCalledType : Identity
    {
        public string Type { get; init; } = "";
    }

    public sealed class AnotherCube : Identity;

    /// <summary>y = x.</summary>
    public abstract class Identity : Activation
    {
        protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);

        protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => dy.CopyTo(dx);
    }
}
