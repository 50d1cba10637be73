namespace SharpSight.Games.Chess;

/// <summary>Game results and terminations.</summary>
public static class ChessResults
{
    /// <summary>The four PGN results: "1-0", "0-1", "1/2-1/2" and "*" (unfinished or unknown).</summary>
    public static IReadOnlyList<string> All { get; } = ["1-0", "0-1", "1/2-1/2", "*"];

    /// <summary>True for one of <see cref="All"/>.</summary>
    public static bool IsValid(string? result) => result is "1-0" or "0-1" or "1/2-1/2" or "*";

    /// <summary>The result a termination gives when <paramref name="sideToMove"/> is to move in the final position.</summary>
    public static string Of(ChessTermination termination, Color sideToMove) => termination switch
    {
        ChessTermination.Checkmate => sideToMove == Color.White ? "0-1" : "1-0",
        ChessTermination.None or ChessTermination.PlyCap => "*",
        _ => "1/2-1/2",
    };

    /// <summary>A lower-case name for reports ("checkmate", "fifty-move rule", …).</summary>
    public static string Describe(ChessTermination termination) => termination switch
    {
        ChessTermination.Checkmate => "checkmate",
        ChessTermination.Stalemate => "stalemate",
        ChessTermination.InsufficientMaterial => "insufficient material",
        ChessTermination.FiftyMoveRule => "fifty-move rule",
        ChessTermination.ThreefoldRepetition => "threefold repetition",
        ChessTermination.PlyCap => "ply cap",
        _ => "no rule",
    };
}
