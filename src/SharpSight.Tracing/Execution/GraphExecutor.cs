using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using SharpSight.Tracing.Graph;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Execution;

/// <summary>
/// Runs a validated intervention graph in one forward pass of a model over a batch of inputs. At each hook point the
/// graph touches (in forward order) it records reads, computes the nodes that have just become computable, applies the
/// writes, and stops the pass after the stop point. Gradients are taken after the pass, with the interventions in place.
/// Hook points the graph does not touch cost nothing.
/// </summary>
public sealed class GraphExecutor
{
    private readonly TransformerModel _model;
    private readonly GraphPlan _plan;
    private readonly TraceInputs _inputs;
    private readonly Tensor?[] _values;
    private readonly Dictionary<string, Tensor> _gradientSources = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gradientHooks;   // hooks some gradient is taken with respect to
    private readonly List<int>[] _at;   // per hook order: the reads, computations and writes that happen there, in graph order

    private GraphExecutor(TransformerModel model, GraphPlan plan, TraceInputs inputs)
    {
        _model = model;
        _plan = plan;
        _inputs = inputs;
        _values = new Tensor?[plan.Graph.Nodes.Count];
        _gradientHooks = [.. plan.Graph.Nodes.OfType<GradNode>().Select(g => g.Hook)];
        _at = Enumerable.Range(0, model.Hooks.Count).Select(_ => new List<int>()).ToArray();
        foreach (GraphNode node in plan.Graph.Nodes)
            if (node is ReadNode or WriteNode or OpNode or CallbackNode && plan.Times[node.Id] >= 0 && plan.Times[node.Id] != GraphPlan.AfterBackward)
                _at[plan.Times[node.Id]].Add(node.Id);
    }

    /// <summary>Validates and runs a graph; throws <see cref="GraphException"/> before any compute if the graph is bad.</summary>
    public static TraceResult Run(TransformerModel model, InterventionGraph graph, TraceInputs inputs)
    {
        GraphPlan plan = GraphValidator.Validate(graph, model, inputs.BatchSizes, inputs.Length, inputs.Length);
        return new GraphExecutor(model, plan, inputs).Execute();
    }

    private TraceResult Execute()
    {
        InterventionGraph graph = _plan.Graph;
        bool gradients = graph.Nodes.Any(n => n is GradNode);
        var removals = new List<IDisposable>();
        try
        {
            using var mode = gradients ? enable_grad() : no_grad();
            ComputeWhere(n => _plan.Times[n.Id] == GraphPlan.BeforeForward);
            foreach (string hook in TouchedHooks()) removals.Add(_model.Hooks[hook].Add(AtHook));

            Tensor? logits = null;
            (Tensor ids, Tensor? mask) = _inputs.Batch(_model.Device);
            using (ids)
            using (mask)
            {
                try
                {
                    logits = _model.Forward(ids, mask);
                }
                catch (StopForward)
                {
                }
            }
            foreach (IDisposable removal in removals) removal.Dispose();
            removals.Clear();

            if (gradients) ComputeGradients();
            ComputeWhere(n => _plan.Times[n.Id] == GraphPlan.AfterBackward && n is OpNode or CallbackNode);
            return Collect(logits);
        }
        finally
        {
            foreach (IDisposable removal in removals) removal.Dispose();
            foreach (Tensor? value in _values) value?.Dispose();
            foreach (Tensor source in _gradientSources.Values) source.Dispose();
        }
    }

    private IEnumerable<string> TouchedHooks() => HooksOf(_plan.Graph);

    /// <summary>The hook points a graph reads, writes, differentiates, stops at, or computes at.</summary>
    internal static IEnumerable<string> HooksOf(InterventionGraph graph)
    {
        IEnumerable<string> hooks = graph.Nodes.Select(n => n switch
        {
            ReadNode r => r.Hook,
            WriteNode w => w.Hook,
            GradNode g => g.Hook,
            _ => null,
        }).OfType<string>();
        if (graph.StopAfter is { } stop) hooks = hooks.Append(stop);
        // Computations run at the latest hook among their inputs, which is always one of the hooks read above.
        return hooks.Distinct(StringComparer.Ordinal);
    }

    /// <summary>A pass for one decoding step of a traced generation (constants computed, hooks driven by the caller).</summary>
    internal static GraphExecutor ForStep(TransformerModel model, GraphPlan plan, TraceInputs inputs)
    {
        var executor = new GraphExecutor(model, plan, inputs);
        executor.ComputeWhere(n => plan.Times[n.Id] == GraphPlan.BeforeForward);
        return executor;
    }

    /// <summary>Handles one hook point of a step's forward pass.</summary>
    internal Tensor? AtHookPublic(Tensor activation, HookPoint hook) => _plan.HookOrder.ContainsKey(hook.Name) ? AtHook(activation, hook) : null;

    /// <summary>Ends a step: returns its saved values and frees the rest.</summary>
    internal Dictionary<string, Tensor> FinishStep()
    {
        var saved = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (SaveNode save in _plan.Graph.Nodes.OfType<SaveNode>())
            if (_values[save.Value] is { } value) saved[save.Name] = value.detach().DetachFromDisposeScope();
        foreach (Tensor? value in _values) value?.Dispose();
        Array.Clear(_values);
        return saved;
    }

    // Runs inside the forward pass, within its dispose scope: every value kept is detached from that scope.
    private Tensor? AtHook(Tensor activation, HookPoint hook)
    {
        int order = _plan.HookOrder[hook.Name];
        Tensor x = activation;
        if (_gradientHooks.Contains(hook.Name))
        {
            // Gradients are taken with respect to this value; make it part of the autograd graph if it is not yet.
            if (!x.requires_grad) x = x.detach().requires_grad_(true);
            _gradientSources[hook.Name] = x.alias().DetachFromDisposeScope();
        }
        // Program order: a read sees the writes that come before it in the graph, not those after it. Each write makes a new
        // batch tensor; a value kept from before the hook's last write is copied out of its batch tensor rather than kept
        // as a view of it, so that superseded batch tensors are freed (a trace of many inputs, each writing at the same
        // hook, would otherwise hold one whole batch per write).
        IReadOnlyList<int> nodes = _at[order];
        int lastWrite = -1;
        for (int k = 0; k < nodes.Count; k++) if (_plan.Graph.Nodes[nodes[k]] is WriteNode) lastWrite = k;
        for (int k = 0; k < nodes.Count; k++)
        {
            int id = nodes[k];
            switch (_plan.Graph.Nodes[id])
            {
                case ReadNode read:
                    _values[id] = Kept(Rows(x, read.Input), copy: k < lastWrite);
                    break;
                case WriteNode write:
                {
                    using var scope = NewDisposeScope();
                    Tensor value = OperandValue(write.Value, x);
                    Tensor superseded = x;
                    x = Indexing.Write(x, _inputs.Offsets[write.Input], _inputs.BatchSizes[write.Input], write.Index, value, write.Mode,
                        GraphValidator.Describe(write)).MoveToOuterDisposeScope();
                    // Nothing kept refers to the superseded batch (values before the last write are copies); autograd keeps
                    // what it needs on its own.
                    if (!ReferenceEquals(superseded, activation)) superseded.Dispose();
                    _values[id] = Kept(Rows(x, write.Input), copy: k < lastWrite);
                    break;
                }
                default:
                    Compute(_plan.Graph.Nodes[id]);
                    break;
            }
        }
        if (order == _plan.LastHook && _plan.Graph.StopAfter is not null) throw new StopForward();
        return ReferenceEquals(x, activation) ? null : x;
    }

    private Tensor Rows(Tensor x, int input) => x.narrow(0, _inputs.Offsets[input], _inputs.BatchSizes[input]);

    private static Tensor Kept(Tensor rows, bool copy) => (copy ? rows.clone() : rows).DetachFromDisposeScope();

    private Tensor OperandValue(Operand operand, Tensor like) =>
        operand.Node is { } id ? _values[id]! : tensor(operand.Scalar!.Value, like.dtype, like.device);

    private void ComputeWhere(Func<GraphNode, bool> select)
    {
        foreach (GraphNode node in _plan.Graph.Nodes.Where(n => n is ConstantNode or OpNode or CallbackNode).Where(select))
            Compute(node);
    }

    private void Compute(GraphNode node)
    {
        using var scope = NewDisposeScope();
        string where = GraphValidator.Describe(node);
        Tensor result = node switch
        {
            ConstantNode c => tensor(c.Values, c.Shape, ScalarType.Float32, _model.Device).to(_model.DType),
            OpNode op => Operations.Get(op.Op, where).Execute(Arguments(op), op.Attributes),
            CallbackNode cb => cb.Function(cb.Args.Select(a => _values[a]!).ToArray()),
            _ => throw new InvalidOperationException(where),
        };
        if (node is CallbackNode && _plan.Values[node.Id].Shape is { } expected && !result.shape.SequenceEqual(expected))
            throw new GraphException($"{where}: returned shape {Shapes.Show(result.shape)}, declared {Shapes.Show(expected)}");
        _values[node.Id] = result.DetachFromDisposeScope();
    }

    private Tensor[] Arguments(OpNode op)
    {
        Tensor? like = op.Args.Where(a => a.Node is not null).Select(a => _values[a.Node!.Value]).FirstOrDefault();
        return op.Args.Select(a => a.Node is { } id ? _values[id]!
            : tensor(a.Scalar!.Value, like?.dtype is ScalarType.Int64 or ScalarType.Bool or null ? ScalarType.Float32 : like.dtype, like?.device ?? _model.Device)).ToArray();
    }

    private void ComputeGradients()
    {
        GradNode[] grads = [.. _plan.Graph.Nodes.OfType<GradNode>()];
        var byMetric = grads.GroupBy(g => g.Metric).ToArray();
        for (int m = 0; m < byMetric.Length; m++)
        {
            Tensor metric = _values[byMetric[m].Key]!;
            GradNode[] wanted = [.. byMetric[m]];
            Tensor[] sources = wanted.Select(g => _gradientSources[g.Hook]).ToArray();
            if (!metric.requires_grad)
            {
                // The metric does not depend on any gradient source: every gradient is zero.
                for (int i = 0; i < wanted.Length; i++) _values[wanted[i].Id] = zeros_like(Rows(sources[i], wanted[i].Input)).DetachFromDisposeScope();
                continue;
            }
            using var scope = NewDisposeScope();
            IList<Tensor> result = autograd.grad([metric.sum()], sources, retain_graph: m < byMetric.Length - 1, allow_unused: true);
            for (int i = 0; i < wanted.Length; i++)
            {
                Tensor gradient = result[i] is { } g && !g.IsInvalid ? g : zeros_like(sources[i]);
                _values[wanted[i].Id] = Rows(gradient, wanted[i].Input).detach().MoveToOuterDisposeScope().DetachFromDisposeScope();
            }
        }
    }

    private TraceResult Collect(Tensor? logits)
    {
        var saved = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (SaveNode save in _plan.Graph.Nodes.OfType<SaveNode>())
            saved[save.Name] = _values[save.Value]!.detach().DetachFromDisposeScope();
        IReadOnlyList<Tensor>? perInput = null;
        if (logits is not null)
        {
            perInput = Enumerable.Range(0, _plan.Graph.Inputs).Select(i => Rows(logits, i).detach().DetachFromDisposeScope()).ToArray();
            logits.Dispose();
        }
        return new TraceResult(saved, perInput);
    }

    private sealed class StopForward : Exception;
}
