using SharpSight.Tracing.Graph;

namespace SharpSight.Tracing.Api;

/// <summary>
/// One entry of an index written with C# syntax: an int (<c>3</c>, dimension dropped), an index from the end
/// (<c>^1</c>), a range (<c>..</c>, <c>2..5</c>, <c>^3..</c>) or a list of indices (<c>new long[] { 1, 4 }</c>).
/// </summary>
public readonly struct TraceIndex
{
    private TraceIndex(DimIndex dim) => Dim = dim;

    /// <summary>The graph's form of this index.</summary>
    public DimIndex Dim { get; }

    /// <summary>The whole dimension.</summary>
    public static TraceIndex All => new(new DimIndex.All());

    /// <summary>One index; negative counts from the end.</summary>
    public static implicit operator TraceIndex(int index) => new(new DimIndex.At(index));

    /// <summary>One index, possibly from the end (^1 = last).</summary>
    public static implicit operator TraceIndex(Index index) => new(new DimIndex.At(index.IsFromEnd ? -index.Value : index.Value));

    /// <summary>A range; its ends may count from the end.</summary>
    public static implicit operator TraceIndex(Range range)
    {
        long? End(Index i, bool isStart) => i.IsFromEnd ? (i.Value == 0 ? (isStart ? 0 : null) : -i.Value) : i.Value;
        if (range.Start.Equals(Index.Start) && range.End.Equals(Index.End)) return All;
        return new(new DimIndex.Range(End(range.Start, true), End(range.End, false)));
    }

    /// <summary>A list of indices.</summary>
    public static implicit operator TraceIndex(long[] indices) => new(new DimIndex.List(indices));

    /// <summary>A list of indices.</summary>
    public static implicit operator TraceIndex(int[] indices) => new(new DimIndex.List(indices.Select(i => (long)i).ToArray()));

    internal static IndexSpec Spec(IEnumerable<TraceIndex> indices) => new([.. indices.Select(i => i.Dim ?? new DimIndex.All())]);
}
