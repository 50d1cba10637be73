namespace SharpSight.Games.Chess.Engines;

/// <summary>
/// A chess engine could not be started, exited, did not answer in time, or answered nonsense. An I/O failure of the
/// conversation with the engine process; the message is one line naming the engine's path and the command.
/// </summary>
public sealed class UciEngineException : IOException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public UciEngineException(string message, Exception? inner = null) : base(message, inner) { }
}
