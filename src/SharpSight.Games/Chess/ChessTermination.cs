namespace SharpSight.Games.Chess;

/// <summary>Why a game ended. The draws by rule are taken as soon as they can be claimed, as if a player always claims.</summary>
public enum ChessTermination : byte
{
    /// <summary>Not ended by a rule (still running, or ended off the board: resignation, time, agreement).</summary>
    None = 0,
    /// <summary>The side to move is checkmated.</summary>
    Checkmate,
    /// <summary>The side to move has no legal move and is not in check.</summary>
    Stalemate,
    /// <summary>Neither side can mate (<see cref="Position.IsInsufficientMaterial"/>).</summary>
    InsufficientMaterial,
    /// <summary>100 plies without a capture or pawn move (FIDE 9.3: claimable).</summary>
    FiftyMoveRule,
    /// <summary>The same position for the third time (FIDE 9.2: claimable).</summary>
    ThreefoldRepetition,
    /// <summary>The generator's ply cap was reached; the result is "*".</summary>
    PlyCap,
}
