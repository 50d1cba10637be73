namespace SharpSight.Games.Chess;

/// <summary>
/// The movetext-only "transcript" format of the chess-GPT paper: ";1.e4 e5 2.Nf3 Nc6 …" (a leading ';', move numbers
/// glued to White's move, no tags, no result). Reading also accepts ordinary PGN movetext, and a PGN header block before it.
/// </summary>
public static class Transcript
{
    /// <summary>Reads the moves of a transcript, played from <paramref name="start"/> (default: the standard start).</summary>
    /// <exception cref="GameRecordException">With the source, move number, side and move text.</exception>
    public static IReadOnlyList<Move> Parse(string text, Position? start = null, string source = "transcript") =>
        ParseGame(text, start, source).Moves;

    /// <summary>Reads a transcript (optionally preceded by PGN tags) as a game.</summary>
    /// <exception cref="GameRecordException">With the source, move number, side and move text.</exception>
    public static PgnGame ParseGame(string text, Position? start = null, string source = "transcript")
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.TrimStart();
        if (t.StartsWith(';')) t = t[1..];
        using var reader = new StringReader(t);
        var lexer = new Pgn.Lexer(reader);
        PgnGame game = Pgn.ReadOne(lexer, source, 1, start) ?? new PgnGame([], start ?? Position.Start, [], "*");
        if (lexer.Next().Kind != Pgn.TokenKind.End) throw new GameRecordException($"{source}: text after the end of the game");
        return game;
    }

    /// <summary>Writes moves as ";1.e4 e5 2.Nf3 …" (from <paramref name="start"/>, default the standard start).</summary>
    public static string Write(IReadOnlyList<Move> moves, Position? start = null) =>
        ";" + string.Join(' ', Pgn.MovetextTokens(start ?? Position.Start, moves, spaceAfterNumber: false));
}
