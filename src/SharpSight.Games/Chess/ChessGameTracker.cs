namespace SharpSight.Games.Chess;

/// <summary>
/// Plays moves from a start position and says whether a rule ends the game: checkmate, stalemate, insufficient
/// material, the fifty-move rule or threefold repetition (the last two taken as soon as they are claimable). It keeps
/// the repetition keys of the positions since the last capture or pawn move, which is all that can repeat.
/// </summary>
public sealed class ChessGameTracker
{
    private readonly List<Move> _moves = [];
    private readonly List<RepetitionKey> _keys = [];

    /// <summary>Starts a game.</summary>
    /// <param name="start">The start position (default: the standard start).</param>
    public ChessGameTracker(Position? start = null)
    {
        Start = start ?? Position.Start;
        Position = Start;
        _keys.Add(Start.KeyForRepetition());
    }

    /// <summary>The start position.</summary>
    public Position Start { get; }

    /// <summary>The current position.</summary>
    public Position Position { get; private set; }

    /// <summary>The moves played so far.</summary>
    public IReadOnlyList<Move> Moves => _moves;

    /// <summary>Plays a move, which must be legal in <see cref="Position"/> (from its legal moves, SAN or UCI parsing).</summary>
    public void Play(Move move)
    {
        Position = Position.Play(move);
        _moves.Add(move);
        // A capture or pawn move makes every earlier position unreachable, so their keys can go.
        if (Position.HalfmoveClock == 0) _keys.Clear();
        _keys.Add(Position.KeyForRepetition());
    }

    /// <summary>How many times the current position has occurred in this game (1 the first time).</summary>
    public int Occurrences
    {
        get
        {
            RepetitionKey current = _keys[^1];
            int count = 1;
            // Only positions with the same side to move can be equal: step back two plies at a time.
            for (int i = _keys.Count - 3; i >= 0; i -= 2)
                if (_keys[i] == current) count++;
            return count;
        }
    }

    /// <summary>The rule that ends the game in the current position, or <see cref="ChessTermination.None"/>.</summary>
    public ChessTermination Termination => TerminationGiven(Position.HasLegalMove());

    /// <summary>The same as <see cref="Termination"/> when the caller already knows whether a legal move exists.</summary>
    internal ChessTermination TerminationGiven(bool hasLegalMove)
    {
        // Mate and stalemate come first: a mate on the hundredth quiet ply still wins (FIDE 9.3).
        if (!hasLegalMove) return Position.IsCheck ? ChessTermination.Checkmate : ChessTermination.Stalemate;
        if (Position.IsInsufficientMaterial) return ChessTermination.InsufficientMaterial;
        if (Position.HalfmoveClock >= 100) return ChessTermination.FiftyMoveRule;
        if (Position.HalfmoveClock >= 8 && Occurrences >= 3) return ChessTermination.ThreefoldRepetition;
        return ChessTermination.None;
    }

    /// <summary>The finished record: the moves, the result the termination gives, and the termination.</summary>
    public ChessGame ToGame(ChessTermination termination) =>
        new([.. _moves], ChessResults.Of(termination, Position.SideToMove), termination);
}
