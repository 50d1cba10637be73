using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;

namespace SharpSight.Tracing.Graph;

/// <summary>
/// Checks a graph against a model and the sizes of its inputs before anything runs: hooks exist (unknown names get the
/// closest ones), operations are whitelisted, shapes agree (a write names the hook and both shapes), nothing reads a
/// value the forward pass has not produced yet, nothing runs after the stop point, gradients are of scalars.
/// </summary>
public static class GraphValidator
{
    /// <summary>Validates <paramref name="graph"/> for inputs of the given batch sizes and (padded) length.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="model">The model it will run on.</param>
    /// <param name="batchSizes">Sequences per input.</param>
    /// <param name="positions">Positions computed in the pass (the padded length; 1 for cached decoding steps).</param>
    /// <param name="keyPositions">Positions attended over (equal to <paramref name="positions"/> without a cache).</param>
    /// <exception cref="GraphException">The first problem found, naming the node.</exception>
    public static GraphPlan Validate(InterventionGraph graph, TransformerModel model, IReadOnlyList<long> batchSizes, long positions, long keyPositions)
    {
        if (batchSizes.Count != graph.Inputs)
            throw new GraphException($"the graph has {graph.Inputs} input(s) but {batchSizes.Count} were given");
        var hookOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < model.Hooks.Count; i++) hookOrder[model.Hooks[i].Name] = i;

        int lastHook = model.Hooks.Count - 1;
        if (graph.StopAfter is { } stop) lastHook = Order(model, hookOrder, stop, "stop_after");

        var values = new ValueInfo[graph.Nodes.Count];
        var times = new int[graph.Nodes.Count];
        var saveNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (GraphNode node in graph.Nodes)
        {
            string where = Describe(node);
            switch (node)
            {
                case ReadNode read:
                {
                    int order = HookAt(model, hookOrder, read.Hook, where, lastHook, graph.StopAfter);
                    values[node.Id] = new(HookShape(model, read.Hook, InputBatch(batchSizes, read.Input, where), positions, keyPositions), ValueKind.Float);
                    times[node.Id] = order;
                    break;
                }
                case ConstantNode constant:
                {
                    long count = constant.Shape.Aggregate(1L, (p, s) => p * s);
                    if (constant.Shape.Any(s => s < 0) || count != constant.Values.Length)
                        throw new GraphException($"{where}: shape {Shapes.Show(constant.Shape)} needs {count} values, got {constant.Values.Length}");
                    values[node.Id] = new(constant.Shape, ValueKind.Float);
                    times[node.Id] = GraphPlan.BeforeForward;
                    break;
                }
                case OpNode op:
                {
                    OpDefinition definition = Operations.Get(op.Op, where);
                    if (op.Args.Count < definition.MinArgs || op.Args.Count > definition.MaxArgs)
                        throw new GraphException($"{where}: takes {definition.MinArgs}{(definition.MaxArgs != definition.MinArgs ? $"..{definition.MaxArgs}" : "")} argument(s), got {op.Args.Count}");
                    ValueInfo[] args = op.Args.Select(a => a.Node is { } id ? values[id] : ValueInfo.Scalar).ToArray();
                    values[node.Id] = definition.Infer(args, op.Attributes, where);
                    times[node.Id] = TimeOf(op.Args.Where(a => a.Node is not null).Select(a => times[a.Node!.Value]));
                    break;
                }
                case CallbackNode callback:
                    values[node.Id] = new(callback.OutputShape, ValueKind.Float);
                    times[node.Id] = TimeOf(callback.Args.Select(a => times[a]));
                    break;
                case WriteNode write:
                {
                    int order = HookAt(model, hookOrder, write.Hook, where, lastHook, graph.StopAfter);
                    long[] target = HookShape(model, write.Hook, InputBatch(batchSizes, write.Input, where), positions, keyPositions);
                    long[] region = write.Index?.ResultShape(target, where) ?? target;
                    ValueInfo value = write.Value.Node is { } id ? values[id] : ValueInfo.Scalar;
                    int valueTime = write.Value.Node is { } source ? times[source] : GraphPlan.BeforeForward;
                    if (valueTime > order)
                        throw new GraphException(valueTime == GraphPlan.AfterBackward
                            ? $"{where}: the value written depends on a gradient, which exists only after the forward pass"
                            : $"{where}: the value written depends on '{model.Hooks[valueTime].Name}', which the forward pass reaches only later");
                    // The value must broadcast into the region without enlarging it.
                    if (value.Known && Shapes.Broadcast(value.Shape!, region) is var fits && (fits is null || !fits.SequenceEqual(region)))
                        throw new GraphException($"{where}: a value of shape {Shapes.Show(value.Shape!)} cannot be written to '{write.Hook}'{(write.Index is null ? "" : $" at {write.Index}")}, whose shape there is {Shapes.Show(region)}");
                    values[node.Id] = new(region, ValueKind.Float);
                    times[node.Id] = order;
                    break;
                }
                case GradNode grad:
                {
                    HookAt(model, hookOrder, grad.Hook, where, lastHook, graph.StopAfter);
                    ValueInfo metric = values[grad.Metric];
                    if (metric.Known && metric.Shape!.Aggregate(1L, (p, s) => p * s) != 1)
                        throw new GraphException($"{where}: the metric (node {grad.Metric}) must be a scalar, but has shape {Shapes.Show(metric.Shape!)}");
                    if (times[grad.Metric] == GraphPlan.AfterBackward)
                        throw new GraphException($"{where}: the metric (node {grad.Metric}) itself depends on a gradient");
                    values[node.Id] = new(HookShape(model, grad.Hook, InputBatch(batchSizes, grad.Input, where), positions, keyPositions), ValueKind.Float);
                    times[node.Id] = GraphPlan.AfterBackward;
                    break;
                }
                case SaveNode save:
                    if (!saveNames.Add(save.Name)) throw new GraphException($"{where}: the name '{save.Name}' is saved twice");
                    values[node.Id] = values[save.Value];
                    times[node.Id] = times[save.Value];
                    break;
                default:
                    throw new GraphException($"{where}: unknown node type {node.GetType().Name}");
            }
        }
        return new GraphPlan(graph, values, times, lastHook, hookOrder);
    }

    /// <summary>"node 3 (write 'blocks.0.hook_resid_post')" and the like, for messages.</summary>
    public static string Describe(GraphNode node) => node switch
    {
        ReadNode r => $"node {r.Id} (read '{r.Hook}' of input {r.Input})",
        WriteNode w => $"node {w.Id} ({w.Mode.ToString().ToLowerInvariant()} '{w.Hook}' of input {w.Input})",
        OpNode o => $"node {o.Id} ({o.Op})",
        ConstantNode c => $"node {c.Id} (constant)",
        SaveNode s => $"node {s.Id} (save '{s.Name}')",
        GradNode g => $"node {g.Id} (gradient at '{g.Hook}' of input {g.Input})",
        CallbackNode cb => $"node {cb.Id} (callback '{cb.Name}')",
        _ => $"node {node.Id}",
    };

    private static int TimeOf(IEnumerable<int> argumentTimes) => argumentTimes.DefaultIfEmpty(GraphPlan.BeforeForward).Max();

    private static long InputBatch(IReadOnlyList<long> batchSizes, int input, string where) =>
        input >= 0 && input < batchSizes.Count ? batchSizes[input] : throw new GraphException($"{where}: input {input} does not exist (the trace has {batchSizes.Count})");

    private static long[] HookShape(TransformerModel model, string hook, long batch, long positions, long keyPositions) =>
        model.Hooks[hook].Shape.Resolve(batch, positions, keyPositions);

    private static int HookAt(TransformerModel model, Dictionary<string, int> hookOrder, string hook, string where, int lastHook, string? stop)
    {
        int order = Order(model, hookOrder, hook, where);
        if (order > lastHook) throw new GraphException($"{where}: '{hook}' comes after the stop point '{stop}', so the forward pass never reaches it");
        return order;
    }

    private static int Order(TransformerModel model, Dictionary<string, int> hookOrder, string hook, string where)
    {
        if (hookOrder.TryGetValue(hook, out int order)) return order;
        try
        {
            _ = model.Hooks[hook];
        }
        catch (KeyNotFoundException error)
        {
            throw new GraphException($"{where}: {error.Message}");
        }
        return hookOrder[hook];
    }
}
