namespace SharpSight.Tracing.Graph;

/// <summary>The kind of numbers a value holds.</summary>
public enum ValueKind
{
    /// <summary>Floating point (the model's activations, constants, most results).</summary>
    Float,
    /// <summary>Integers (argmax, top-k indices).</summary>
    Int,
    /// <summary>Booleans (comparisons).</summary>
    Bool,
}

/// <summary>What validation knows of a value before anything runs: its shape and kind. Unknown after a callback.</summary>
public sealed record ValueInfo(long[]? Shape, ValueKind Kind)
{
    /// <summary>A number argument.</summary>
    public static ValueInfo Scalar { get; } = new([], ValueKind.Float);

    /// <summary>True when the shape is known.</summary>
    public bool Known => Shape is not null;
}
