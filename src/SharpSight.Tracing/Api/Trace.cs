using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;
using SharpSight.Tracing.Execution;
using SharpSight.Tracing.Graph;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Api;

/// <summary>
/// Builds an intervention graph with typed C#: add inputs, read and change their hook points, compute with the values,
/// save what you need, then <see cref="Run"/>. The same graph can be written to JSON (<see cref="Graph"/>) and run
/// elsewhere, unless it holds C# callbacks.
/// </summary>
/// <example>
/// <code>
/// var trace = new Trace(model);
/// TraceInput clean = trace.Input(cleanIds), corrupt = trace.Input(corruptIds);
/// corrupt.Blocks[3].ResidPost.Positions(^1).Set(clean.Blocks[3].ResidPost.Positions(^1).Value);
/// TraceValue logits = corrupt.Logits.Value;
/// (logits[0, ^1, answer] - logits[0, ^1, wrong]).Save("logit_diff");
/// using TraceResult result = trace.Run();
/// </code>
/// </example>
public sealed class Trace
{
    private readonly List<GraphNode> _nodes = [];
    private readonly List<TraceInput> _inputs = [];
    private string? _stopAfter;

    /// <summary>Starts a trace over a model.</summary>
    public Trace(TransformerModel model) => Model = model;

    /// <summary>The model.</summary>
    public TransformerModel Model { get; }

    /// <summary>The inputs so far.</summary>
    public IReadOnlyList<TraceInput> Inputs => _inputs;

    /// <summary>Adds an input of one or more token sequences (batched with the others, left-padded).</summary>
    public TraceInput Input(params long[][] sequences)
    {
        var input = new TraceInput(this, _inputs.Count, sequences);
        _inputs.Add(input);
        return input;
    }

    /// <summary>Adds an input of one token sequence.</summary>
    public TraceInput Input(IEnumerable<long> ids) => Input([ids.ToArray()]);

    /// <summary>A float32 constant, e.g. a steering vector.</summary>
    public TraceValue Constant(float[] values, params long[] shape) =>
        Add(id => new ConstantNode(id, shape.Length == 0 && values.Length != 1 ? [values.Length] : shape, values));

    /// <summary>A constant from a tensor (copied to float32 on the CPU).</summary>
    public TraceValue Constant(Tensor value)
    {
        using Tensor cpu = value.detach().to(ScalarType.Float32).cpu().contiguous();
        return Constant(cpu.data<float>().ToArray(), cpu.shape);
    }

    /// <summary>Keeps a value in the result under a name.</summary>
    public void Save(string name, TraceValue value) => Add(id => new SaveNode(id, name, value.Id));

    /// <summary>
    /// The gradient of a scalar <paramref name="metric"/> with respect to the value arriving at <paramref name="hook"/>
    /// (the whole hook value of that input; index the result for a region), with the trace's interventions in place.
    /// </summary>
    public TraceValue Gradient(TraceValue metric, HookRef hook) => Add(id => new GradNode(id, metric.Id, hook.Name, hook.Input.Index));

    /// <summary>Stops the forward pass after this hook point (later hook points and the logits are not computed).</summary>
    public void StopAfter(HookRef hook) => _stopAfter = hook.Name;

    /// <summary>Local C# code on values. Handy locally; the graph can then no longer be written to JSON.</summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="function">The code.</param>
    /// <param name="outputShape">The shape it returns, if known, so what follows can be validated.</param>
    /// <param name="args">Its arguments.</param>
    public TraceValue Callback(string name, Func<Tensor[], Tensor> function, long[]? outputShape, params TraceValue[] args) =>
        Add(id => new CallbackNode(id, name, [.. args.Select(a => a.Id)], function, outputShape));

    /// <summary>The graph built so far.</summary>
    public InterventionGraph Graph => new(Math.Max(1, _inputs.Count), _nodes, _stopAfter);

    /// <summary>Validates and runs the graph on the inputs.</summary>
    public TraceResult Run()
    {
        if (_inputs.Count == 0) throw new GraphException("the trace has no inputs");
        return GraphExecutor.Run(Model, Graph, new TraceInputs([.. _inputs.Select(i => i.Sequences)]));
    }

    /// <summary>
    /// Generates from the inputs (one prompt each) with the graph applied at every decoding step, or at <paramref name="steps"/>;
    /// saved values are kept per step. Reads and writes see each step's new positions (the whole prompt at step 0).
    /// </summary>
    public GenerationTraceResult Generate(ITokenizer tokenizer, GenerationOptions options, IReadOnlySet<int>? steps = null)
    {
        if (_inputs.Count == 0) throw new GraphException("the trace has no inputs");
        if (_inputs.FirstOrDefault(i => i.Sequences.Count != 1) is { } batched)
            throw new GraphException($"input {batched.Index} has {batched.Sequences.Count} sequences; generation takes one prompt per input");
        return GenerationTrace.Run(Model, tokenizer, Graph, [.. _inputs.Select(i => (IReadOnlyList<int>)i.Sequences[0].Select(t => (int)t).ToArray())], options, steps);
    }

    internal TraceValue AddRead(string hook, int input) => Add(id => new ReadNode(id, hook, input));

    internal TraceValue AddOp(string op, OpAttributes attributes, params Operand[] args) => Add(id => new OpNode(id, op, args, attributes));

    internal void AddWrite(HookRef hook, Operand value, WriteMode mode) => Add(id => new WriteNode(id, hook.Name, hook.Input.Index, value, hook.Index, mode));

    private TraceValue Add(Func<int, GraphNode> make)
    {
        GraphNode node = make(_nodes.Count);
        _nodes.Add(node);
        return new TraceValue(this, node.Id);
    }
}
