namespace SharpSight.Tracing.Graph;

/// <summary>An argument of an operation: the value of another node, or a number.</summary>
public readonly record struct Operand
{
    private Operand(int? node, double? scalar)
    {
        Node = node;
        Scalar = scalar;
    }

    /// <summary>The id of the node whose value this is, or null for a number.</summary>
    public int? Node { get; }

    /// <summary>The number, or null for a node.</summary>
    public double? Scalar { get; }

    /// <summary>A node's value.</summary>
    public static Operand Of(int node) => new(node, null);

    /// <summary>A number.</summary>
    public static Operand Number(double value) => new(null, value);

    /// <inheritdoc />
    public override string ToString() => Node is { } id ? $"%{id}" : Scalar!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
