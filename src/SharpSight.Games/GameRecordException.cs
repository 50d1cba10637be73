namespace SharpSight.Games;

/// <summary>
/// An illegal move or a malformed game record (FEN, SAN, PGN, Othello transcript). The message is one line with the
/// source, the move number and the offending text.
/// </summary>
public sealed class GameRecordException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public GameRecordException(string message, Exception? inner = null) : base(message, inner) { }
}
