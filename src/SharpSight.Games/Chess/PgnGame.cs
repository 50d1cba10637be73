namespace SharpSight.Games.Chess;

/// <summary>One game of a PGN file: its tags in file order, the start position, the main-line moves and the result.</summary>
public sealed class PgnGame
{
    private Position? _final;

    /// <summary>Creates a game record. The moves must be legal from <paramref name="start"/>.</summary>
    public PgnGame(IReadOnlyList<KeyValuePair<string, string>> tags, Position start, IReadOnlyList<Move> moves, string result)
    {
        Tags = tags;
        StartPosition = start;
        Moves = moves;
        Result = result;
    }

    /// <summary>Creates a game from the standard start position with no tags.</summary>
    public PgnGame(IReadOnlyList<Move> moves, string result = "*") : this([], Position.Start, moves, result) { }

    /// <summary>The tag pairs in the order they were read (names are case-sensitive).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; }

    /// <summary>The start position: the FEN tag's position when present, else the standard start.</summary>
    public Position StartPosition { get; }

    /// <summary>The main-line moves (variations are dropped).</summary>
    public IReadOnlyList<Move> Moves { get; }

    /// <summary>The game termination marker: "1-0", "0-1", "1/2-1/2" or "*".</summary>
    public string Result { get; }

    /// <summary>The value of a tag, or null when absent.</summary>
    public string? Tag(string name)
    {
        foreach (var kv in Tags)
            if (kv.Key == name) return kv.Value;
        return null;
    }

    /// <summary>The position after all moves.</summary>
    public Position FinalPosition => _final ??= StartPosition.Play(Moves);

    /// <summary>All positions from the start to the final one (Moves.Count + 1 of them).</summary>
    public IReadOnlyList<Position> Positions()
    {
        var list = new List<Position>(Moves.Count + 1) { StartPosition };
        foreach (var m in Moves) list.Add(list[^1].Play(m));
        return list;
    }

    /// <summary>The moves in SAN.</summary>
    public IReadOnlyList<string> SanMoves()
    {
        var list = new List<string>(Moves.Count);
        var p = StartPosition;
        foreach (var m in Moves) { list.Add(p.ToSan(m)); p = p.Play(m); }
        return list;
    }
}
