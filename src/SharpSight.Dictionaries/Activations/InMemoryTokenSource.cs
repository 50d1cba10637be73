namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// Windows held in memory: each sequence is one window, its tokens real and the rest of the window padding. For
/// pre-tokenized data and tests.
/// </summary>
public sealed class InMemoryTokenSource : ITokenSource
{
    private readonly int[][] _sequences;
    private readonly int _padId;

    /// <summary>Creates the source.</summary>
    /// <param name="contextLength">Positions per window.</param>
    /// <param name="sequences">One window each, at most <paramref name="contextLength"/> ids (copied).</param>
    /// <param name="description">Names the data (recorded in activation caches).</param>
    /// <param name="bosId">The beginning-of-sequence id the sequences start with, if any (see <see cref="ITokenSource.BosId"/>).</param>
    /// <param name="padId">The id written at padding positions.</param>
    public InMemoryTokenSource(int contextLength, IEnumerable<IReadOnlyList<int>> sequences, string description, int? bosId = null, int padId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 1);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(description);
        _sequences = [.. sequences.Select(s => s.ToArray())];
        for (int i = 0; i < _sequences.Length; i++)
            if (_sequences[i].Length > contextLength)
                throw new ArgumentException($"sequence {i} has {_sequences[i].Length} tokens, more than the context length {contextLength}", nameof(sequences));
        ContextLength = contextLength;
        Description = description;
        BosId = bosId;
        _padId = padId;
    }

    /// <inheritdoc />
    public int ContextLength { get; }

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Number of windows.</summary>
    public int Count => _sequences.Length;

    /// <inheritdoc />
    public ITokenWindowReader Open() => new Reader(this);

    private sealed class Reader(InMemoryTokenSource source) : ITokenWindowReader
    {
        private int _next;

        public bool Read(Span<long> ids, Span<bool> real)
        {
            TokenWindows.CheckLength(ids, real, source.ContextLength);
            if (_next == source._sequences.Length) return false;
            TokenWindows.Write(source._sequences[_next++], ids, real, source._padId);
            return true;
        }

        public void Dispose() { }
    }
}

/// <summary>Helpers for writing windows.</summary>
internal static class TokenWindows
{
    /// <summary>Writes <paramref name="tokens"/> (at most the window length) as real positions and pads the rest.</summary>
    public static void Write(ReadOnlySpan<int> tokens, Span<long> ids, Span<bool> real, int padId)
    {
        if (ids.Length != real.Length) throw new ArgumentException($"ids ({ids.Length}) and real flags ({real.Length}) differ in length");
        if (tokens.Length > ids.Length) throw new ArgumentException($"{tokens.Length} tokens do not fit a window of {ids.Length}");
        for (int i = 0; i < tokens.Length; i++) ids[i] = tokens[i];
        ids[tokens.Length..].Fill(padId);
        real[..tokens.Length].Fill(true);
        real[tokens.Length..].Fill(false);
    }

    /// <summary>Throws unless both spans have the source's context length.</summary>
    public static void CheckLength(Span<long> ids, Span<bool> real, int contextLength)
    {
        if (ids.Length != contextLength || real.Length != contextLength)
            throw new ArgumentException($"the window buffers hold {ids.Length} ids and {real.Length} flags; the context length is {contextLength}");
    }
}
