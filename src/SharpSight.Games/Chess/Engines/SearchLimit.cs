using System.Globalization;

namespace SharpSight.Games.Chess.Engines;

/// <summary>What bounds a search: a depth in plies, a node count or a time per move.</summary>
public enum SearchLimitKind
{
    /// <summary>Search to a fixed depth ("go depth N").</summary>
    Depth,
    /// <summary>Search a fixed number of nodes ("go nodes N").</summary>
    Nodes,
    /// <summary>Search for a fixed time in milliseconds ("go movetime MS").</summary>
    MoveTime,
}

/// <summary>
/// The limit of one UCI search. Depth and node limits make a single-threaded engine deterministic (the same position
/// and history give the same move); a time limit depends on the machine's speed and load and does not.
/// </summary>
public readonly record struct SearchLimit
{
    private SearchLimit(SearchLimitKind kind, long value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>The kind of limit.</summary>
    public SearchLimitKind Kind { get; }

    /// <summary>The plies, nodes or milliseconds.</summary>
    public long Value { get; }

    /// <summary>True for depth and node limits, which do not depend on the machine's speed.</summary>
    public bool IsDeterministic => Kind != SearchLimitKind.MoveTime;

    /// <summary>A search to <paramref name="plies"/> plies (1..100).</summary>
    public static SearchLimit Depth(int plies) =>
        plies is >= 1 and <= 100 ? new(SearchLimitKind.Depth, plies) : throw new ArgumentException($"search depth {plies} is outside 1..100");

    /// <summary>A search of <paramref name="nodes"/> nodes (at least 1).</summary>
    public static SearchLimit Nodes(long nodes) =>
        nodes >= 1 ? new(SearchLimitKind.Nodes, nodes) : throw new ArgumentException($"node limit {nodes} must be positive");

    /// <summary>A search of <paramref name="milliseconds"/> ms per move (at least 1).</summary>
    public static SearchLimit MoveTime(int milliseconds) =>
        milliseconds >= 1 ? new(SearchLimitKind.MoveTime, milliseconds) : throw new ArgumentException($"move time {milliseconds} ms must be positive");

    /// <summary>The UCI go command: "go depth 8", "go nodes 10000" or "go movetime 100".</summary>
    public string GoCommand => "go " + ToString();

    /// <summary>"depth 8", "nodes 10000" or "movetime 100".</summary>
    public override string ToString() => (Kind switch
    {
        SearchLimitKind.Depth => "depth ",
        SearchLimitKind.Nodes => "nodes ",
        _ => "movetime ",
    }) + Value.ToString(CultureInfo.InvariantCulture);
}
