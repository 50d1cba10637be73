namespace SharpSight.Games.Othello;

/// <summary>
/// The concatenated-squares transcript ("f5d6c4d3..."): two characters per move, black first, passes implicit (a player
/// without a legal move passes automatically and the next square is the other player's). Leading and trailing
/// whitespace is ignored; upper-case file letters are accepted; the writer emits lower case.
/// </summary>
public static class OthelloTranscript
{
    /// <summary>Parses and replays a transcript.</summary>
    /// <param name="text">The transcript.</param>
    /// <param name="source">Names the record in error messages (e.g. a file and game index).</param>
    /// <param name="id">The game's id, or null.</param>
    /// <exception cref="GameRecordException">Odd length, a bad square, an illegal move or a move after the end.</exception>
    public static OthelloGame Parse(string text, string source = "transcript", string? id = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan(), source, id);
    }

    /// <summary>Parses and replays a transcript.</summary>
    /// <param name="text">The transcript.</param>
    /// <param name="source">Names the record in error messages (e.g. a file and game index).</param>
    /// <param name="id">The game's id, or null.</param>
    /// <exception cref="GameRecordException">Odd length, a bad square, an illegal move or a move after the end.</exception>
    public static OthelloGame Parse(ReadOnlySpan<char> text, string source = "transcript", string? id = null)
    {
        text = text.Trim();
        var replay = new OthelloGame.Replay(source);
        for (int i = 0; i < text.Length; i += 2)
        {
            int number = i / 2 + 1;
            if (i + 1 == text.Length)
                throw new GameRecordException($"{source}, move {number}: '{text[i..].ToString()}' is an incomplete square (transcript length {text.Length} is odd)");
            ReadOnlySpan<char> pair = text.Slice(i, 2);
            if (!OthelloSquare.TryParse(pair, out int square))
                throw new GameRecordException($"{source}, move {number}: '{Printable(pair)}' is not a square (a1..h8)");
            replay.Play(square, pair[0] is >= 'a' and <= 'h' ? OthelloSquare.Name(square) : pair.ToString());
        }
        return replay.ToGame(id);
    }

    /// <summary>The transcript of a game, e.g. "f5d6c4".</summary>
    /// <param name="game">A game.</param>
    public static string Write(OthelloGame game)
    {
        ArgumentNullException.ThrowIfNull(game);
        ReadOnlySpan<byte> squares = game.Squares;
        return string.Create(squares.Length * 2, game, static (span, g) =>
        {
            ReadOnlySpan<byte> sq = g.Squares;
            for (int i = 0; i < sq.Length; i++)
            {
                span[2 * i] = (char)('a' + (sq[i] & 7));
                span[2 * i + 1] = (char)('1' + (sq[i] >> 3));
            }
        });
    }

    private static string Printable(ReadOnlySpan<char> text)
    {
        Span<char> copy = stackalloc char[text.Length];
        for (int i = 0; i < text.Length; i++) copy[i] = char.IsControl(text[i]) ? '?' : text[i];
        return copy.ToString();
    }
}
