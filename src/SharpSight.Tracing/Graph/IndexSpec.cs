namespace SharpSight.Tracing.Graph;

/// <summary>How one dimension is indexed.</summary>
public abstract record DimIndex
{
    /// <summary>Resolves to the selected indices along a dimension of <paramref name="size"/>; throws on out-of-range.</summary>
    public abstract long[] Resolve(long size, string where);

    /// <summary>True if the dimension is removed (a single integer index).</summary>
    public virtual bool Drops => false;

    /// <summary>Every index (":").</summary>
    public sealed record All : DimIndex
    {
        /// <inheritdoc />
        public override long[] Resolve(long size, string where) => Enumerable.Range(0, checked((int)size)).Select(i => (long)i).ToArray();

        /// <inheritdoc />
        public override string ToString() => ":";
    }

    /// <summary>One index (negative counts from the end); the dimension is dropped.</summary>
    public sealed record At(long Index) : DimIndex
    {
        /// <inheritdoc />
        public override bool Drops => true;

        /// <inheritdoc />
        public override long[] Resolve(long size, string where) => [Normalize(Index, size, where)];

        /// <inheritdoc />
        public override string ToString() => Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A Python-style slice start:stop:step (null = from the start / to the end; step &gt; 0).</summary>
    public sealed record Range(long? Start, long? Stop, long Step = 1) : DimIndex
    {
        /// <inheritdoc />
        public override long[] Resolve(long size, string where)
        {
            if (Step <= 0) throw new GraphException($"{where}: slice step must be positive, got {Step}");
            long start = Clamp(Start ?? 0, size), stop = Clamp(Stop ?? size, size);
            var result = new List<long>();
            for (long i = start; i < stop; i += Step) result.Add(i);
            return [.. result];
        }

        // Python semantics: negative counts from the end, then clamp into [0, size].
        private static long Clamp(long value, long size) => Math.Clamp(value < 0 ? value + size : value, 0, size);

        /// <inheritdoc />
        public override string ToString() => $"{Start}:{Stop}{(Step == 1 ? "" : $":{Step}")}";
    }

    /// <summary>A list of indices (negative count from the end); selects along this dimension only.</summary>
    public sealed record List(IReadOnlyList<long> Indices) : DimIndex
    {
        /// <inheritdoc />
        public override long[] Resolve(long size, string where) => Indices.Select(i => Normalize(i, size, where)).ToArray();

        /// <inheritdoc />
        public bool Equals(List? other) => other is not null && Indices.SequenceEqual(other.Indices);

        /// <inheritdoc />
        public override int GetHashCode() => Indices.Aggregate(17, (h, i) => h * 31 + i.GetHashCode());

        /// <inheritdoc />
        public override string ToString() => $"[{string.Join(",", Indices)}]";
    }

    private static long Normalize(long index, long size, string where)
    {
        long resolved = index < 0 ? index + size : index;
        if (resolved < 0 || resolved >= size) throw new GraphException($"{where}: index {index} is out of range for a dimension of size {size}");
        return resolved;
    }
}

/// <summary>
/// An index over the leading dimensions of a value (the rest are taken whole). Indexing is orthogonal: every dimension is
/// selected independently, so a list of positions and a list of heads select their outer product (unlike NumPy's
/// advanced indexing, which pairs lists up).
/// </summary>
public sealed record IndexSpec(IReadOnlyList<DimIndex> Dims)
{
    /// <summary>The shape after indexing a value of <paramref name="shape"/>.</summary>
    public long[] ResultShape(IReadOnlyList<long> shape, string where)
    {
        if (Dims.Count > shape.Count)
            throw new GraphException($"{where}: {Dims.Count} indices for a value of {shape.Count} dimensions {Shapes.Show(shape)}");
        var result = new List<long>();
        for (int d = 0; d < shape.Count; d++)
        {
            DimIndex index = d < Dims.Count ? Dims[d] : new DimIndex.All();
            long length = index.Resolve(shape[d], where).Length;
            if (!index.Drops) result.Add(length);
        }
        return [.. result];
    }

    /// <summary>The shape of the selected region with dropped dimensions kept as size 1.</summary>
    public long[] RegionShape(IReadOnlyList<long> shape, string where) =>
        shape.Select((size, d) => d < Dims.Count ? (long)Dims[d].Resolve(size, where).Length : size).ToArray();

    /// <inheritdoc />
    public bool Equals(IndexSpec? other) => other is not null && Dims.SequenceEqual(other.Dims);

    /// <inheritdoc />
    public override int GetHashCode() => Dims.Aggregate(17, (h, d) => h * 31 + d.GetHashCode());

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", Dims)}]";
}
