namespace SharpSight.Games.Othello;

/// <summary>A player or disc colour. Black moves first.</summary>
public enum OthelloColor : byte
{
    /// <summary>The first player.</summary>
    Black = 0,

    /// <summary>The second player.</summary>
    White = 1,
}

/// <summary>The result of a game by final disc count (empty squares are not counted).</summary>
public enum OthelloOutcome : sbyte
{
    /// <summary>White has more discs (the championship CSV's winner -1).</summary>
    WhiteWins = -1,

    /// <summary>Equal disc counts (winner 0).</summary>
    Draw = 0,

    /// <summary>Black has more discs (winner 1).</summary>
    BlackWins = 1,
}

/// <summary>Extensions of <see cref="OthelloColor"/>.</summary>
public static class OthelloColorExtensions
{
    /// <summary>The other colour.</summary>
    /// <param name="color">A colour.</param>
    public static OthelloColor Opponent(this OthelloColor color) => color == OthelloColor.Black ? OthelloColor.White : OthelloColor.Black;

    /// <summary>"black" or "white".</summary>
    /// <param name="color">A colour.</param>
    public static string Name(this OthelloColor color) => color == OthelloColor.Black ? "black" : "white";
}
