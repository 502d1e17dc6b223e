namespace ScratchNet.Operations;

/// <summary>A tensor reached an operation or layer with a shape it cannot take; the message says which and why.</summary>
public sealed class ShapeMismatchException(string message) : ArgumentException(message);
