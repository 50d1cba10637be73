using System.Globalization;
using System.Text;

namespace SharpSight.Games.Chess;

/// <summary>
/// Reads and writes PGN. Reading streams games from a <see cref="TextReader"/>: tag pairs, movetext with comments
/// ({…} and ; to end of line), variations (…) skipped, NAGs ($n) and annotation glyphs ignored, move numbers with or
/// without a space ("1.e4", "1. e4", "1... e5"), and results 1-0, 0-1, 1/2-1/2, *. Tag lines are read leniently
/// (a missing quote or space is tolerated) so that hand- or machine-mangled headers still load.
/// </summary>
public static class Pgn
{
    /// <summary>Reads all games of a PGN text (lazily, one game at a time).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">A name for error messages (file name).</param>
    /// <exception cref="GameRecordException">With source, game index (1-based), line, move number and the move text.</exception>
    public static IEnumerable<PgnGame> Read(TextReader reader, string source = "PGN")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lexer = new Lexer(reader);
        int index = 0;
        while (true)
        {
            var game = ReadOne(lexer, source, ++index);
            if (game is null) yield break;
            yield return game;
        }
    }

    /// <summary>Reads all games of a PGN file.</summary>
    public static IEnumerable<PgnGame> ReadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        foreach (var g in Read(reader, Path.GetFileName(path))) yield return g;
    }

    /// <summary>Reads a PGN text that holds exactly one game.</summary>
    /// <exception cref="GameRecordException">When the text holds no game or more than one, or on a bad move.</exception>
    public static PgnGame ParseSingle(string text, string source = "PGN")
    {
        using var reader = new StringReader(text);
        var games = Read(reader, source).Take(2).ToList();
        if (games.Count != 1) throw new GameRecordException($"{source}: expected one game, found {(games.Count == 0 ? "none" : "more than one")}");
        return games[0];
    }

    /// <param name="lexer">The token source.</param>
    /// <param name="source">Names the text in error messages.</param>
    /// <param name="index">The game's 1-based index in the text, named in error messages.</param>
    /// <param name="defaultStart">The start when there is no FEN tag (default: the standard start).</param>
    /// <param name="single">True when the text holds one game only (a transcript line, a CSV cell): error messages then
    /// name "source line N" without the game index.</param>
    internal static PgnGame? ReadOne(Lexer lexer, string source, int index, Position? defaultStart = null, bool single = false)
    {
        string game = single ? source : $"{source} game {index}";
        var tags = new List<KeyValuePair<string, string>>();
        var moves = new List<Move>();
        Position? start = null, pos = null;
        bool inMovetext = false;
        int depth = 0;
        string? result = null;
        while (true)
        {
            if (inMovetext && depth == 0 && lexer.AtTagStart()) break; // next game begins without a result marker
            TokenKind kind; string text; int line;
            try { (kind, text, line) = lexer.Next(); }
            catch (GameRecordException e) { throw new GameRecordException($"{game} {e.Message}", e); }
            if (kind == TokenKind.End) { if (!inMovetext && tags.Count == 0) return null; break; }
            if (kind == TokenKind.Tag && !inMovetext)
            {
                int sep = text.IndexOf('\0');
                tags.Add(new(text[..sep], text[(sep + 1)..]));
                continue;
            }
            inMovetext = true;
            switch (kind)
            {
                case TokenKind.Tag:
                    throw new GameRecordException($"{game} line {line}: tag '{text.Replace('\0', ' ')}' inside a variation");
                case TokenKind.VariationStart: depth++; break;
                case TokenKind.VariationEnd:
                    if (--depth < 0) throw new GameRecordException($"{game} line {line}: ')' without '('");
                    break;
                case TokenKind.Result:
                    if (depth == 0) result = text;
                    break;
                case TokenKind.Move:
                    if (depth > 0) break;
                    if (pos is null) pos = start = StartOf(tags, game, defaultStart);
                    try
                    {
                        Move m = pos.ParseSan(text);
                        moves.Add(m);
                        pos = pos.Play(m);
                    }
                    catch (GameRecordException e)
                    {
                        throw new GameRecordException($"{game} line {line}: {e.Message}", e);
                    }
                    break;
            }
            if (result is not null) break;
        }
        if (depth > 0) throw new GameRecordException($"{game}: unclosed variation '(' at the end of the game");
        start ??= StartOf(tags, game, defaultStart);
        result ??= NormalizeResult(tags.FirstOrDefault(t => t.Key == "Result").Value) ?? "*";
        return new PgnGame(tags, start, moves, result);
    }

    private static string? NormalizeResult(string? r) => r is "1-0" or "0-1" or "1/2-1/2" or "*" ? r : null;

    private static Position StartOf(List<KeyValuePair<string, string>> tags, string game, Position? defaultStart)
    {
        foreach (var kv in tags)
        {
            if (kv.Key != "FEN") continue;
            try { return Position.FromFen(kv.Value); }
            catch (GameRecordException e) { throw new GameRecordException($"{game}: FEN tag: {e.Message}", e); }
        }
        return defaultStart ?? Position.Start;
    }

    /// <summary>
    /// Writes one game: the seven-tag roster first (defaults "?", "????.??.??"; Result from the game), then the
    /// remaining tags in their order, SetUp/FEN when the start is not the standard one, a blank line, the movetext
    /// wrapped at 80 columns ending with the result, and a blank line.
    /// </summary>
    public static string Write(PgnGame game)
    {
        ArgumentNullException.ThrowIfNull(game);
        var sb = new StringBuilder();
        string[] roster = ["Event", "Site", "Date", "Round", "White", "Black", "Result"];
        foreach (string name in roster)
        {
            string value = name switch
            {
                "Result" => game.Result,
                "Date" => game.Tag(name) ?? "????.??.??",
                _ => game.Tag(name) ?? "?",
            };
            AppendTag(sb, name, value);
        }
        bool customStart = game.StartPosition.ToFen() != Position.StartFen;
        foreach (var kv in game.Tags)
        {
            if (Array.IndexOf(roster, kv.Key) >= 0 || (customStart && kv.Key is "SetUp" or "FEN")) continue;
            AppendTag(sb, kv.Key, kv.Value);
        }
        if (customStart)
        {
            AppendTag(sb, "SetUp", "1");
            AppendTag(sb, "FEN", game.StartPosition.ToFen());
        }
        sb.Append('\n');
        var line = new StringBuilder();
        foreach (string token in MovetextTokens(game.StartPosition, game.Moves, spaceAfterNumber: true).Append(game.Result))
        {
            if (line.Length > 0 && line.Length + 1 + token.Length > 80) { sb.Append(line).Append('\n'); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(token);
        }
        sb.Append(line).Append("\n\n");
        return sb.ToString();
    }

    /// <summary>Writes several games, one after another.</summary>
    public static void Write(TextWriter writer, IEnumerable<PgnGame> games)
    {
        foreach (var g in games) writer.Write(Write(g));
    }

    private static void AppendTag(StringBuilder sb, string name, string value) =>
        sb.Append('[').Append(name).Append(" \"").Append(value.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\"]\n");

    /// <summary>Movetext tokens: "1." (or "1.e4" joined when not spaced), SAN moves, "1..." before a Black first move.</summary>
    internal static IEnumerable<string> MovetextTokens(Position start, IReadOnlyList<Move> moves, bool spaceAfterNumber)
    {
        var p = start;
        for (int i = 0; i < moves.Count; i++)
        {
            string san = p.ToSan(moves[i]);
            string number = p.FullmoveNumber.ToString(CultureInfo.InvariantCulture);
            string? prefix = p.SideToMove == Color.White ? number + "." : i == 0 ? number + "..." : null;
            if (prefix is null) yield return san;
            else if (spaceAfterNumber) { yield return prefix; yield return san; }
            else yield return prefix + san;
            p = p.Play(moves[i]);
        }
    }

    internal enum TokenKind { End, Tag, Move, Result, VariationStart, VariationEnd }

    /// <summary>Splits PGN text into tags, moves, results and variation brackets; comments, NAGs and move numbers vanish here.</summary>
    /// <remarks><paramref name="firstLine"/> numbers the text's first line, so that a cell of a larger file reports file lines.</remarks>
    internal sealed class Lexer(TextReader reader, int firstLine = 1)
    {
        private int _line = firstLine;
        private bool _lineStart = true;

        private int Peek() => reader.Peek();

        private int Read()
        {
            int c = reader.Read();
            if (c == '\n') { _line++; _lineStart = true; }
            else if (c is not ('\r' or ' ' or '\t' or '\uFEFF')) _lineStart = false;
            return c;
        }

        private void SkipSpace()
        {
            while (Peek() is int c && c >= 0 && (char.IsWhiteSpace((char)c) || c == '\uFEFF')) Read();
        }

        /// <summary>True when the next non-space character opens a tag.</summary>
        public bool AtTagStart()
        {
            SkipSpace();
            return Peek() == '[';
        }

        public (TokenKind Kind, string Text, int Line) Next()
        {
            while (true)
            {
                SkipSpace();
                int c = Peek();
                int line = _line;
                if (c < 0) return (TokenKind.End, "", line);
                switch (c)
                {
                    case '%' when _lineStart: ReadToEndOfLine(); continue;
                    case '[': return (TokenKind.Tag, ReadTag(), line);
                    case '{':
                        Read();
                        while (Peek() >= 0 && Read() != '}') { }
                        continue;
                    case ';': ReadToEndOfLine(); continue;
                    case '(': Read(); return (TokenKind.VariationStart, "(", line);
                    case ')': Read(); return (TokenKind.VariationEnd, ")", line);
                    case '$':
                        Read();
                        while (Peek() is >= '0' and <= '9') Read();
                        continue;
                    case '*': Read(); return (TokenKind.Result, "*", line);
                }
                var sb = new StringBuilder();
                while (Peek() is int d && d >= 0 && !char.IsWhiteSpace((char)d) && d is not ('{' or '}' or '(' or ')' or '[' or ']' or ';' or '$'))
                    sb.Append((char)Read());
                if (sb.Length == 0) { Read(); throw new GameRecordException($"line {line}: unexpected character '{(char)c}'"); }
                string tok = sb.ToString();
                if (tok is "1-0" or "0-1" or "1/2-1/2" or "½-½") return (TokenKind.Result, tok == "½-½" ? "1/2-1/2" : tok, line);
                if (tok.StartsWith("0-0", StringComparison.Ordinal)) return (TokenKind.Move, tok, line);
                // Move number: digits then dots, possibly glued to the move ("12.e4", "12...Nf6").
                int i = 0;
                while (i < tok.Length && char.IsAsciiDigit(tok[i])) i++;
                if (i > 0)
                {
                    int j = i;
                    while (j < tok.Length && tok[j] == '.') j++;
                    if (j == tok.Length) continue; // "12." or "12..." or a bare "12"
                    if (j > i) tok = tok[j..];
                }
                tok = tok.TrimStart('.');
                if (tok == "--") throw new GameRecordException($"line {line}: null move '--' is not supported");
                if (!tok.Any(char.IsAsciiLetterOrDigit)) continue; // stray dots, glyphs such as !? +- =
                return (TokenKind.Move, tok, line);
            }
        }

        private void ReadToEndOfLine()
        {
            while (Peek() >= 0 && Read() != '\n') { }
        }

        /// <summary>Reads "[Name "value"]" and returns name + '\0' + value; lenient about quotes and spacing.</summary>
        private string ReadTag()
        {
            Read(); // '['
            var name = new StringBuilder();
            while (Peek() is int c && c >= 0 && !char.IsWhiteSpace((char)c) && c is not ('"' or ']' or '\n')) name.Append((char)Read());
            while (Peek() is ' ' or '\t') Read();
            var value = new StringBuilder();
            if (Peek() == '"')
            {
                Read();
                while (true)
                {
                    int c = Peek();
                    if (c < 0 || c == '\n') break;
                    Read();
                    if (c == '\\' && Peek() is '"' or '\\') { value.Append((char)Read()); continue; }
                    if (c == '"')
                    {
                        while (Peek() is ' ' or '\t') Read();
                        if (Peek() is ']' or '\n' or -1 or '\r') break;
                        value.Append('"'); // stray quote inside the value
                        continue;
                    }
                    if (c == ']' && RestOfLineBlank()) return name + "\0" + value; // closing quote missing
                    value.Append((char)c);
                }
            }
            else
            {
                while (Peek() is int c && c >= 0 && c is not (']' or '\n')) value.Append((char)Read());
                string v = value.ToString().Trim();
                if (v.EndsWith('"')) v = v[..^1];
                value.Clear().Append(v);
            }
            if (Peek() == ']') Read();
            return name + "\0" + value;
        }

        private bool RestOfLineBlank() => Peek() is '\n' or '\r' or -1;
    }
}
