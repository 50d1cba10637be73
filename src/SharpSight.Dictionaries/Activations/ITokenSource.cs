namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// A re-readable stream of fixed-length context windows of token ids, the input side of the activation store: Othello and
/// chess games (<see cref="OthelloTokenSource"/>, <see cref="ChessTokenSource"/>), tokenized text corpora
/// (<see cref="TextTokenSource"/>) or windows held in memory (<see cref="InMemoryTokenSource"/>).
/// </summary>
/// <remarks>
/// Every <see cref="Open"/> starts again from the first window and yields the same windows in the same order: the store's
/// reproducible batch order and its resume both rely on it. A window is <see cref="ContextLength"/> ids plus a flag per
/// position saying whether it holds a real token; the other positions are padding, which the store never serves.
/// </remarks>
public interface ITokenSource
{
    /// <summary>Positions per window.</summary>
    int ContextLength { get; }

    /// <summary>
    /// The beginning-of-sequence id this source puts before documents or windows, or null if it adds none. The store leaves
    /// positions holding it out of the served activations unless told otherwise (<see cref="ActivationStoreOptions.ExcludeBos"/>).
    /// </summary>
    int? BosId { get; }

    /// <summary>
    /// What the windows are, precisely enough to tell two sources apart: kind, files (name, size and a content hash),
    /// tokenizer fingerprint, context length and packing. Recorded in activation caches and compared when one is reused.
    /// </summary>
    string Description { get; }

    /// <summary>Starts reading from the first window.</summary>
    ITokenWindowReader Open();
}

/// <summary>A cursor over the windows of an <see cref="ITokenSource"/>; not thread-safe.</summary>
public interface ITokenWindowReader : IDisposable
{
    /// <summary>
    /// Writes the next window into <paramref name="ids"/> and <paramref name="real"/> (each exactly the source's context
    /// length): token ids, and true where the position holds a real token (padding positions hold some valid id and false).
    /// </summary>
    /// <returns>False, writing nothing, when there are no more windows.</returns>
    /// <exception cref="TokenSourceException">Malformed input; the one-line message names the file and line or row.</exception>
    bool Read(Span<long> ids, Span<bool> real);
}

/// <summary>Input a token source cannot read: a missing file, a bad line or row, a missing field. The message is one line.</summary>
public sealed class TokenSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the file, the line or row, and the field where relevant.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public TokenSourceException(string message, Exception? inner = null) : base(message, inner) { }
}
