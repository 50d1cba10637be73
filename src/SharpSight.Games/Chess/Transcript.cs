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
    public static PgnGame ParseGame(string text, Position? start = null, string source = "transcript") =>
        ParseGame(text, start, source, firstLine: 1);

    /// <summary>Reads one game; errors name "<paramref name="source"/> line N", counting from <paramref name="firstLine"/>.</summary>
    internal static PgnGame ParseGame(string text, Position? start, string source, int firstLine)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Blank lines before the ';' still count, so a cell's reported line numbers stay the file's.
        int skipped = text.Length - text.TrimStart().Length;
        firstLine += text.AsSpan(0, skipped).Count('\n');
        string t = text[skipped..];
        if (t.StartsWith(';')) t = t[1..];
        using var reader = new StringReader(t);
        var lexer = new Pgn.Lexer(reader, firstLine);
        PgnGame game = Pgn.ReadOne(lexer, source, 1, start, single: true) ?? new PgnGame([], start ?? Position.Start, [], "*");
        (Pgn.TokenKind kind, string extra, int line) next;
        try { next = lexer.Next(); }
        catch (GameRecordException e) { throw new GameRecordException($"{source} {e.Message}", e); }
        if (next.kind != Pgn.TokenKind.End)
            throw new GameRecordException($"{source} line {next.line}: '{next.extra.Replace('\0', ' ')}' after the end of the game");
        return game;
    }

    /// <summary>Writes moves as ";1.e4 e5 2.Nf3 …" (from <paramref name="start"/>, default the standard start).</summary>
    public static string Write(IReadOnlyList<Move> moves, Position? start = null) =>
        ";" + string.Join(' ', Pgn.MovetextTokens(start ?? Position.Start, moves, spaceAfterNumber: false));
}
