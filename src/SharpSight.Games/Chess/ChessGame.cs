namespace SharpSight.Games.Chess;

/// <summary>A game from the standard start position: its moves, its result and, when known, why it ended.</summary>
public sealed class ChessGame
{
    /// <summary>Creates a game record. The moves must be legal from the standard start.</summary>
    /// <param name="moves">The moves.</param>
    /// <param name="result">"1-0", "0-1", "1/2-1/2" or "*".</param>
    /// <param name="termination">Why it ended, when a rule ended it.</param>
    /// <exception cref="ArgumentException">The result is not one of the four PGN results.</exception>
    public ChessGame(IReadOnlyList<Move> moves, string result, ChessTermination termination = ChessTermination.None)
    {
        ArgumentNullException.ThrowIfNull(moves);
        if (!ChessResults.IsValid(result)) throw new ArgumentException($"result '{result}' is not one of 1-0, 0-1, 1/2-1/2, *", nameof(result));
        Moves = moves;
        Result = result;
        Termination = termination;
    }

    /// <summary>The moves, from the standard start position.</summary>
    public IReadOnlyList<Move> Moves { get; }

    /// <summary>The result: "1-0", "0-1", "1/2-1/2" or "*".</summary>
    public string Result { get; }

    /// <summary>Why the game ended; <see cref="ChessTermination.None"/> when no rule ended it (or it is not known).</summary>
    public ChessTermination Termination { get; }

    /// <summary>The transcript ";1.e4 e5 2.Nf3 …" (no result), the chess-GPT training text.</summary>
    public string ToTranscript() => Transcript.Write(Moves);

    /// <summary>
    /// A game read from a record: replays the moves to find the rule that ends the final position, takes the result
    /// the rules give when the record has none (null), and refuses a recorded result that a checkmate or stalemate on
    /// the board contradicts (the other draws are only claimable, so any result may follow them).
    /// </summary>
    /// <exception cref="GameRecordException">The result contradicts the board; the message starts with <paramref name="where"/>.</exception>
    internal static ChessGame FromRecord(IReadOnlyList<Move> moves, string? result, string where)
    {
        var game = new ChessGameTracker();
        foreach (Move move in moves) game.Play(move);
        ChessTermination end = game.Termination;
        string ruled = ChessResults.Of(end, game.Position.SideToMove);
        if (result is not null && end is ChessTermination.Checkmate or ChessTermination.Stalemate && result != ruled)
            throw new GameRecordException($"{where}: result '{result}' after {moves.Count} plies contradicts the board ({ChessResults.Describe(end)}, so {ruled})");
        return new ChessGame(moves, result ?? ruled, end);
    }

    /// <summary>The position after all moves.</summary>
    public Position FinalPosition() => Position.Start.Play(Moves);
}
