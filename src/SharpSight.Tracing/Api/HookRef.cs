using SharpSight.Models.Hooks;
using SharpSight.Tracing.Graph;

namespace SharpSight.Tracing.Api;

/// <summary>
/// A hook point of one input of a trace, optionally narrowed to a region (positions, heads, …). Read it with
/// <see cref="Value"/>; change it with <see cref="Set(TraceValue)"/>, <see cref="Add"/>, <see cref="Zero"/>,
/// <see cref="MeanAblate"/>, <see cref="Resample"/>.
/// </summary>
public sealed class HookRef
{
    internal HookRef(TraceInput input, string name, IndexSpec? index = null)
    {
        Input = input;
        Name = name;
        Index = index;
        Point = input.Trace.Model.Hooks[name];   // unknown names fail here, with the closest names
    }

    /// <summary>The input.</summary>
    public TraceInput Input { get; }

    /// <summary>Hook point name.</summary>
    public string Name { get; }

    /// <summary>The region, or null for the whole value.</summary>
    public IndexSpec? Index { get; }

    /// <summary>The model's hook point.</summary>
    public HookPoint Point { get; }

    /// <summary>The same hook narrowed to a region: indices for dimensions 0, 1, … (dimension 0 = this input's sequences).</summary>
    public HookRef At(params TraceIndex[] indices) => new(Input, Name, TraceIndex.Spec(indices));

    /// <summary>Narrowed to positions (query positions for attention patterns).</summary>
    public HookRef Positions(TraceIndex positions) => Along(PositionDim(), positions);

    /// <summary>Narrowed to attention heads (q, k, v, z, scores and pattern hooks).</summary>
    public HookRef Heads(TraceIndex heads) => Along(HeadDim(), heads);

    /// <summary>
    /// The value at the hook point, restricted to the region, as it is at this point of the trace: writes to the hook made
    /// earlier in the trace are included, later ones are not.
    /// </summary>
    public TraceValue Value
    {
        get
        {
            TraceValue whole = Input.Trace.AddRead(Name, Input.Index);
            return Index is null ? whole : Input.Trace.AddOp("index", new OpAttributes { Index = Index }, Operand.Of(whole.Id));
        }
    }

    /// <summary>Replaces the region with a value (broadcast to it).</summary>
    public void Set(TraceValue value) => Input.Trace.AddWrite(this, Operand.Of(value.Id), WriteMode.Set);

    /// <summary>Replaces the region with a number.</summary>
    public void Set(double value) => Input.Trace.AddWrite(this, Operand.Number(value), WriteMode.Set);

    /// <summary>Adds <paramref name="scale"/> × <paramref name="vector"/> to the region (steering).</summary>
    public void Add(TraceValue vector, double scale = 1.0) =>
        Input.Trace.AddWrite(this, Operand.Of((scale == 1.0 ? vector : vector * scale).Id), WriteMode.Add);

    /// <summary>Zero ablation of the region.</summary>
    public void Zero() => Set(0.0);

    /// <summary>Mean ablation: replaces the region with its mean over the given dimensions of the region (default: positions).</summary>
    public void MeanAblate(params long[] dims)
    {
        long[] over = dims.Length > 0 ? dims : [RegionDim(PositionDim())];
        Set(Value.Mean(over, keepDim: true));
    }

    /// <summary>Resample ablation: replaces the region with the same region of another input (e.g. a corrupted prompt).</summary>
    public void Resample(TraceInput source) => Set(new HookRef(source, Name, Index).Value);

    private HookRef Along(int dim, TraceIndex index)
    {
        var dims = Enumerable.Range(0, dim + 1).Select(d => Index is not null && d < Index.Dims.Count ? Index.Dims[d] : new DimIndex.All()).ToArray();
        dims[dim] = index.Dim;
        return new(Input, Name, new IndexSpec(dims));
    }

    private int PositionDim()
    {
        for (int d = 0; d < Point.Shape.Dims.Count; d++)
            if (Point.Shape.Dims[d].Symbol is "pos" or "query_pos") return d;
        throw new ArgumentException($"hook point '{Name}' has no position dimension");
    }

    private int HeadDim() =>
        Name.EndsWith("hook_pattern", StringComparison.Ordinal) || Name.EndsWith("hook_attn_scores", StringComparison.Ordinal) ? 1
        : Name.Contains(".attn.hook_", StringComparison.Ordinal) ? 2
        : throw new ArgumentException($"hook point '{Name}' has no head dimension");

    // A dimension of the whole value, renumbered for the region (dimensions indexed by one integer are gone).
    private long RegionDim(int dim) => dim - (Index?.Dims.Take(dim).Count(d => d.Drops) ?? 0);
}
