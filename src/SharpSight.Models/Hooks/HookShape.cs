namespace SharpSight.Models.Hooks;

/// <summary>One dimension of a hook point's value: a fixed size, or one that depends on the input.</summary>
public readonly record struct HookDim
{
    private HookDim(string? symbol, long size)
    {
        Symbol = symbol;
        Size = size;
    }

    /// <summary>"batch", "pos", "query_pos", "key_pos" for input-dependent dimensions; null for a fixed size.</summary>
    public string? Symbol { get; }

    /// <summary>The size of a fixed dimension.</summary>
    public long Size { get; }

    /// <summary>Sequences in the batch.</summary>
    public static HookDim Batch { get; } = new("batch", 0);

    /// <summary>Positions computed in this forward pass.</summary>
    public static HookDim Position { get; } = new("pos", 0);

    /// <summary>Query positions of an attention pattern (the positions computed in this pass).</summary>
    public static HookDim QueryPosition { get; } = new("query_pos", 0);

    /// <summary>Key positions of an attention pattern (cached plus new positions).</summary>
    public static HookDim KeyPosition { get; } = new("key_pos", 0);

    /// <summary>A fixed size.</summary>
    public static implicit operator HookDim(int size) => new(null, size);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The shape of a hook point's value, e.g. [batch, pos, 768] or [batch, 12, query_pos, key_pos].</summary>
public sealed class HookShape
{
    /// <summary>A shape from its dimensions.</summary>
    public HookShape(params HookDim[] dims) => Dims = dims;

    /// <summary>The dimensions, batch first.</summary>
    public IReadOnlyList<HookDim> Dims { get; }

    /// <summary>
    /// The concrete shape for a forward pass over <paramref name="batch"/> sequences computing <paramref name="positions"/>
    /// positions, attending over <paramref name="keyPositions"/> positions (equal to positions without a KV cache).
    /// </summary>
    public long[] Resolve(long batch, long positions, long keyPositions) => Dims.Select(d => d.Symbol switch
    {
        "batch" => batch,
        "pos" or "query_pos" => positions,
        "key_pos" => keyPositions,
        _ => d.Size,
    }).ToArray();

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", Dims)}]";
}
