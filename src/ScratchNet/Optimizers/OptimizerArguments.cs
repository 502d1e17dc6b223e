namespace ScratchNet.Optimizers;

/// <summary>Argument checks shared by the optimizers; every message names the optimizer, the argument and the value.</summary>
internal static class OptimizerArguments
{
    /// <summary>A weight decay: finite and ≥ 0.</summary>
    public static float WeightDecay(float value, string owner) => float.IsFinite(value) && value >= 0 ? value
        : throw new ArgumentOutOfRangeException("weightDecay", value, $"{owner}: weight decay must be a non-negative finite number, got {value}.");

    /// <summary>A momentum or decay rate β in [0, 1).</summary>
    public static float UnitInterval(float value, string name, string owner) => value is >= 0f and < 1f ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be in [0, 1), got {value}.");

    /// <summary>A positive finite number.</summary>
    public static float Positive(float value, string name, string owner) => float.IsFinite(value) && value > 0 ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be a positive finite number, got {value}.");
}
