namespace SharpSight.Tracing.Graph;

/// <summary>
/// What validation worked out for a graph on a model and a set of inputs: each node's value (shape, kind) and when in the
/// forward pass it can be computed. The executor follows it.
/// </summary>
public sealed class GraphPlan
{
    /// <summary>A node computed before the first hook point (constants).</summary>
    public const int BeforeForward = -1;

    /// <summary>A node that needs the backward pass (gradients and what uses them).</summary>
    public const int AfterBackward = int.MaxValue;

    internal GraphPlan(InterventionGraph graph, ValueInfo[] values, int[] times, int lastHook, IReadOnlyDictionary<string, int> hookOrder)
    {
        Graph = graph;
        Values = values;
        Times = times;
        LastHook = lastHook;
        HookOrder = hookOrder;
    }

    /// <summary>The graph.</summary>
    public InterventionGraph Graph { get; }

    /// <summary>Per node: shape and kind of its value.</summary>
    public IReadOnlyList<ValueInfo> Values { get; }

    /// <summary>Per node: the position (in forward order) of the hook point at which it is computed, or one of the constants.</summary>
    public IReadOnlyList<int> Times { get; }

    /// <summary>Forward-order position of the last hook point that runs (the stop point, or the last hook).</summary>
    public int LastHook { get; }

    /// <summary>Forward-order position of every hook point of the model.</summary>
    public IReadOnlyDictionary<string, int> HookOrder { get; }
}
