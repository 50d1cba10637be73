using SharpSight.Tracing.Graph;

namespace SharpSight.Tracing.Api;

/// <summary>
/// A value in a trace: a hook point's value, a constant, or a computation on them. Operators and methods add whitelisted
/// operations to the trace's graph; nothing is computed until the trace runs.
/// </summary>
public sealed class TraceValue
{
    internal TraceValue(Trace trace, int id)
    {
        Trace = trace;
        Id = id;
    }

    /// <summary>The trace this value belongs to.</summary>
    public Trace Trace { get; }

    /// <summary>The id of the graph node producing it.</summary>
    public int Id { get; }

    private TraceValue Op(string op, OpAttributes? attributes, params Operand[] args) => Trace.AddOp(op, attributes ?? OpAttributes.None, args);
    private TraceValue Op(string op, OpAttributes? attributes = null) => Op(op, attributes, Operand.Of(Id));
    private static Operand Of(TraceValue value) => Operand.Of(value.Id);
    private static OpAttributes DimsOf(long[]? dims, bool keepDim = false) => new() { Dims = dims, KeepDim = keepDim };

    /// <summary>Element-wise sum (broadcasting).</summary>
    public static TraceValue operator +(TraceValue a, TraceValue b) => a.Op("add", null, Of(a), Of(b));
    /// <summary>Adds a number.</summary>
    public static TraceValue operator +(TraceValue a, double b) => a.Op("add", null, Of(a), Operand.Number(b));
    /// <summary>Element-wise difference.</summary>
    public static TraceValue operator -(TraceValue a, TraceValue b) => a.Op("sub", null, Of(a), Of(b));
    /// <summary>Subtracts a number.</summary>
    public static TraceValue operator -(TraceValue a, double b) => a.Op("sub", null, Of(a), Operand.Number(b));
    /// <summary>Element-wise product.</summary>
    public static TraceValue operator *(TraceValue a, TraceValue b) => a.Op("mul", null, Of(a), Of(b));
    /// <summary>Scales by a number.</summary>
    public static TraceValue operator *(TraceValue a, double b) => a.Op("mul", null, Of(a), Operand.Number(b));
    /// <summary>Scales by a number.</summary>
    public static TraceValue operator *(double a, TraceValue b) => b.Op("mul", null, Operand.Number(a), Of(b));
    /// <summary>Element-wise quotient.</summary>
    public static TraceValue operator /(TraceValue a, TraceValue b) => a.Op("div", null, Of(a), Of(b));
    /// <summary>Divides by a number.</summary>
    public static TraceValue operator /(TraceValue a, double b) => a.Op("div", null, Of(a), Operand.Number(b));
    /// <summary>Negation.</summary>
    public static TraceValue operator -(TraceValue a) => a.Op("neg");

    /// <summary>Orthogonal indexing with C# syntax, e.g. <c>logits[0, ^1, new long[] { 5, 7 }]</c>.</summary>
    public TraceValue this[params TraceIndex[] indices] => Op("index", new OpAttributes { Index = TraceIndex.Spec(indices) });

    /// <summary>Sum over dimensions (all when none given).</summary>
    public TraceValue Sum(long[]? dims = null, bool keepDim = false) => Op("sum", DimsOf(dims, keepDim));
    /// <summary>Mean over dimensions (all when none given).</summary>
    public TraceValue Mean(long[]? dims = null, bool keepDim = false) => Op("mean", DimsOf(dims, keepDim));
    /// <summary>Maximum over dimensions.</summary>
    public TraceValue Max(long[]? dims = null, bool keepDim = false) => Op("max", DimsOf(dims, keepDim));
    /// <summary>Minimum over dimensions.</summary>
    public TraceValue Min(long[]? dims = null, bool keepDim = false) => Op("min", DimsOf(dims, keepDim));
    /// <summary>p-norm over dimensions.</summary>
    public TraceValue Norm(double p = 2, long[]? dims = null, bool keepDim = false) => Op("norm", new OpAttributes { P = p, Dims = dims, KeepDim = keepDim });
    /// <summary>Index of the maximum along a dimension.</summary>
    public TraceValue ArgMax(long dim, bool keepDim = false) => Op("argmax", DimsOf([dim], keepDim));
    /// <summary>Softmax along a dimension (in float32).</summary>
    public TraceValue Softmax(long dim = -1) => Op("softmax", DimsOf([dim]));
    /// <summary>Log-softmax along a dimension (in float32).</summary>
    public TraceValue LogSoftmax(long dim = -1) => Op("log_softmax", DimsOf([dim]));
    /// <summary>The k largest values along a dimension.</summary>
    public TraceValue TopKValues(long k, long dim = -1) => Op("topk_values", new OpAttributes { K = k, Dims = [dim] });
    /// <summary>Indices of the k largest values along a dimension.</summary>
    public TraceValue TopKIndices(long k, long dim = -1) => Op("topk_indices", new OpAttributes { K = k, Dims = [dim] });
    /// <summary>Matrix product (NumPy matmul semantics).</summary>
    public TraceValue MatMul(TraceValue other) => Op("matmul", null, Of(this), Of(other));
    /// <summary>A new shape with the same elements (one entry may be -1).</summary>
    public TraceValue Reshape(params long[] shape) => Op("reshape", new OpAttributes { Shape = shape });
    /// <summary>Swaps two dimensions.</summary>
    public TraceValue Transpose(long dim0, long dim1) => Op("transpose", DimsOf([dim0, dim1]));
    /// <summary>Inserts a dimension of size 1.</summary>
    public TraceValue Unsqueeze(long dim) => Op("unsqueeze", DimsOf([dim]));
    /// <summary>Removes a dimension of size 1.</summary>
    public TraceValue Squeeze(long dim) => Op("squeeze", DimsOf([dim]));
    /// <summary>Element-wise exp.</summary>
    public TraceValue Exp() => Op("exp");
    /// <summary>Element-wise natural log.</summary>
    public TraceValue Log() => Op("log");
    /// <summary>Element-wise absolute value.</summary>
    public TraceValue Abs() => Op("abs");
    /// <summary>Element-wise ReLU.</summary>
    public TraceValue Relu() => Op("relu");
    /// <summary>Zeros of the same shape.</summary>
    public TraceValue ZerosLike() => Op("zeros_like");
    /// <summary>Element-wise comparison: greater than.</summary>
    public TraceValue Gt(TraceValue other) => Op("gt", null, Of(this), Of(other));
    /// <summary>Element-wise comparison with a number: greater than.</summary>
    public TraceValue Gt(double other) => Op("gt", null, Of(this), Operand.Number(other));
    /// <summary>Element-wise comparison: less than.</summary>
    public TraceValue Lt(TraceValue other) => Op("lt", null, Of(this), Of(other));
    /// <summary>Element-wise equality.</summary>
    public TraceValue Eq(TraceValue other) => Op("eq", null, Of(this), Of(other));
    /// <summary>Converts to float32, int64 or bool.</summary>
    public TraceValue Cast(string dtype) => Op("cast", new OpAttributes { DType = dtype });

    /// <summary>Elements of <paramref name="ifTrue"/> where <paramref name="condition"/> holds, else of <paramref name="ifFalse"/>.</summary>
    public static TraceValue Where(TraceValue condition, TraceValue ifTrue, TraceValue ifFalse) =>
        condition.Op("where", null, Of(condition), Of(ifTrue), Of(ifFalse));

    /// <summary>Concatenation along a dimension.</summary>
    public static TraceValue Cat(long dim, params TraceValue[] values) =>
        values[0].Op("cat", DimsOf([dim]), [.. values.Select(Of)]);

    /// <summary>Keeps this value in the result under <paramref name="name"/>; returns it for chaining.</summary>
    public TraceValue Save(string name)
    {
        Trace.Save(name, this);
        return this;
    }
}
