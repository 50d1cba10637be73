using static TorchSharp.torch;

namespace SharpSight.Tracing.Graph;

/// <summary>A node of an intervention graph; <see cref="Id"/> is its position in the graph.</summary>
public abstract record GraphNode(int Id);

/// <summary>
/// The value at a hook point for one input of the trace, including the writes to that hook that come earlier in the graph
/// (program order: a read placed after a write sees the written value).
/// </summary>
public sealed record ReadNode(int Id, string Hook, int Input) : GraphNode(Id);

/// <summary>A float32 constant (e.g. a steering vector).</summary>
public sealed record ConstantNode(int Id, long[] Shape, float[] Values) : GraphNode(Id);

/// <summary>A whitelisted tensor operation (<see cref="Operations"/>) on node values and numbers.</summary>
public sealed record OpNode(int Id, string Op, IReadOnlyList<Operand> Args, OpAttributes Attributes) : GraphNode(Id);

/// <summary>How a write combines with the value at the hook.</summary>
public enum WriteMode
{
    /// <summary>Replace the selected region.</summary>
    Set,
    /// <summary>Add to the selected region (steering).</summary>
    Add,
}

/// <summary>
/// Replaces (or adds to) the value at a hook point for one input, over an optional index of its dimensions
/// (dimension 0 being that input's own batch rows).
/// </summary>
public sealed record WriteNode(int Id, string Hook, int Input, Operand Value, IndexSpec? Index, WriteMode Mode) : GraphNode(Id);

/// <summary>Keeps a node's value under a name in the result.</summary>
public sealed record SaveNode(int Id, string Name, int Value) : GraphNode(Id);

/// <summary>
/// The gradient of a scalar node (<see cref="Metric"/>) with respect to the value at a hook point for one input, with the
/// graph's interventions in place. Available after the forward pass.
/// </summary>
public sealed record GradNode(int Id, int Metric, string Hook, int Input) : GraphNode(Id);

/// <summary>
/// Local C# code run on node values. Convenient for local work; a graph holding one cannot be serialized or sent to
/// a server.
/// </summary>
/// <param name="Id">Node id.</param>
/// <param name="Name">A name for messages.</param>
/// <param name="Args">Node ids passed to the function.</param>
/// <param name="Function">The code.</param>
/// <param name="OutputShape">The shape the function returns, if known (for validating what follows); null = unchecked.</param>
public sealed record CallbackNode(int Id, string Name, IReadOnlyList<int> Args, Func<Tensor[], Tensor> Function, long[]? OutputShape) : GraphNode(Id);

/// <summary>Attributes of an operation; each operation reads the ones it needs.</summary>
public sealed record OpAttributes
{
    /// <summary>Dimensions (reductions, softmax, topk, cat, transpose, squeeze, unsqueeze).</summary>
    public IReadOnlyList<long>? Dims { get; init; }

    /// <summary>Keep reduced dimensions as size 1.</summary>
    public bool KeepDim { get; init; }

    /// <summary>k of top-k.</summary>
    public long? K { get; init; }

    /// <summary>p of a p-norm.</summary>
    public double? P { get; init; }

    /// <summary>Index of an "index" operation.</summary>
    public IndexSpec? Index { get; init; }

    /// <summary>Target shape of "reshape" (one entry may be -1).</summary>
    public IReadOnlyList<long>? Shape { get; init; }

    /// <summary>Target dtype of "cast": float32, int64 or bool.</summary>
    public string? DType { get; init; }

    /// <summary>No attributes.</summary>
    public static OpAttributes None { get; } = new();
}
