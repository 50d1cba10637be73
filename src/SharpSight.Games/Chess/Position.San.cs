using System.Text;

namespace SharpSight.Games.Chess;

public sealed partial class Position
{
    /// <summary>
    /// The Standard Algebraic Notation of a legal move: piece letter, the least disambiguation that works (file, then
    /// rank, then both), "x" for captures, "=Q" for promotions, "O-O"/"O-O-O", and "+" or "#" after a check or mate.
    /// </summary>
    /// <exception cref="GameRecordException">When the move is not legal here.</exception>
    public string ToSan(Move move)
    {
        Span<Move> buf = stackalloc Move[MaxMoves];
        int n = GenerateLegalMoves(buf);
        int index = -1;
        for (int i = 0; i < n; i++)
            if (buf[i].SameAs(move)) { index = i; break; }
        if (index < 0) throw new GameRecordException($"move {_fullmove} ({SideName}) '{move.ToUci()}': not a legal move in {ToFen()}");
        move = buf[index];

        var sb = new StringBuilder(8);
        int from = move.From, to = move.To;
        PieceType piece = TypeAt(from);
        bool capture = (move.Flags & MoveFlags.Capture) != 0;
        if (piece == PieceType.King && (from - to == 2 || to - from == 2))
            sb.Append(to > from ? "O-O" : "O-O-O");
        else if (piece == PieceType.Pawn)
        {
            if (capture) sb.Append((char)('a' + Squares.File(from))).Append('x');
            sb.Append(Squares.Name(to));
            if (move.Promotion != PieceType.None) sb.Append('=').Append(move.Promotion.ToLetter());
        }
        else
        {
            sb.Append(piece.ToLetter());
            bool others = false, sameFile = false, sameRank = false;
            for (int i = 0; i < n; i++)
            {
                Move o = buf[i];
                if (i == index || o.To != to || o.From == from || TypeAt(o.From) != piece) continue;
                others = true;
                if (Squares.File(o.From) == Squares.File(from)) sameFile = true;
                if (Squares.Rank(o.From) == Squares.Rank(from)) sameRank = true;
            }
            if (others)
            {
                if (!sameFile) sb.Append((char)('a' + Squares.File(from)));
                else if (!sameRank) sb.Append((char)('1' + Squares.Rank(from)));
                else sb.Append(Squares.Name(from));
            }
            if (capture) sb.Append('x');
            sb.Append(Squares.Name(to));
        }
        Position after = Play(move);
        if (after.IsCheck) sb.Append(after.HasLegalMove() ? '+' : '#');
        return sb.ToString();
    }

    /// <summary>
    /// Finds the legal move a SAN string names. Tolerant of "0-0"/"0-0-0", missing or extra "+"/"#", annotation
    /// suffixes ("!", "?", "!?", …), a missing or superfluous "x", "-" between squares and a promotion without "=";
    /// strict about ambiguity and illegality.
    /// </summary>
    /// <exception cref="GameRecordException">With the move number, the side, the SAN text and the reason.</exception>
    public Move ParseSan(string san)
    {
        ArgumentNullException.ThrowIfNull(san);
        string s = san.Trim();
        int end = s.Length;
        while (end > 0 && s[end - 1] is '+' or '#' or '!' or '?') end--;
        s = s[..end];
        if (s.Length == 0) throw SanError(san, "empty move");

        Span<Move> buf = stackalloc Move[MaxMoves];
        int n = GenerateLegalMoves(buf);

        if (s is "O-O" or "0-0" or "O-O-O" or "0-0-0")
        {
            bool kingside = s.Length == 3;
            for (int i = 0; i < n; i++)
                if ((buf[i].Flags & MoveFlags.Castle) != 0 && (buf[i].To > buf[i].From) == kingside) return buf[i];
            throw SanError(san, $"castling {(kingside ? "kingside" : "queenside")} is not legal here");
        }

        PieceType piece = PieceType.Pawn;
        int pos = 0;
        int pl = "PNBRQK".IndexOf(s[0]);
        if (pl >= 0) { piece = (PieceType)(pl + 1); pos = 1; }

        PieceType promo = PieceType.None;
        int eq = s.IndexOf('=');
        if (eq >= 0)
        {
            if (eq != s.Length - 2) throw SanError(san, "malformed promotion");
            promo = PromoLetter(s[^1]);
            if (promo == PieceType.None) throw SanError(san, $"bad promotion piece '{s[^1]}'");
            s = s[..eq];
        }
        else if (piece == PieceType.Pawn && s.Length >= 3 && PromoLetter(s[^1]) != PieceType.None && char.IsUpper(s[^1]))
        {
            promo = PromoLetter(s[^1]);
            s = s[..^1];
        }

        if (s.Length - pos < 2 || !Squares.TryParse(s.AsSpan(s.Length - 2), out int to))
            throw SanError(san, "no destination square");
        int fromFile = -1, fromRank = -1;
        foreach (char c in s.AsSpan(pos, s.Length - 2 - pos))
        {
            if (c is >= 'a' and <= 'h' && fromFile < 0 && fromRank < 0) fromFile = c - 'a';
            else if (c is >= '1' and <= '8' && fromRank < 0) fromRank = c - '1';
            else if (c is 'x' or ':' or '-') continue;
            else throw SanError(san, $"unexpected character '{c}'");
        }
        if (piece == PieceType.Pawn)
        {
            if (fromFile < 0) fromFile = Squares.File(to);
            int last = _side == Color.White ? 7 : 0;
            if (Squares.Rank(to) == last && promo == PieceType.None) throw SanError(san, "pawn reaches the last rank without a promotion piece");
            if (Squares.Rank(to) != last && promo != PieceType.None) throw SanError(san, "promotion away from the last rank");
        }
        else if (promo != PieceType.None) throw SanError(san, "only pawns promote");

        Move found = default;
        int count = 0;
        var matches = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            Move m = buf[i];
            if (m.To != to || m.Promotion != promo || TypeAt(m.From) != piece) continue;
            if ((fromFile >= 0 && Squares.File(m.From) != fromFile) || (fromRank >= 0 && Squares.Rank(m.From) != fromRank)) continue;
            if ((m.Flags & MoveFlags.Castle) != 0) continue;
            found = m;
            count++;
            matches.Append(matches.Length > 0 ? ", " : "").Append(m.ToUci());
        }
        if (count == 1) return found;
        if (count > 1) throw SanError(san, $"ambiguous (matches {matches})");
        throw SanError(san, $"illegal: no legal {(piece == PieceType.Pawn ? "pawn" : piece.ToString().ToLowerInvariant())} move to {Squares.Name(to)} in {ToFen()}");
    }

    /// <summary>Like <see cref="ParseSan"/>, but returns false instead of throwing.</summary>
    public bool TryParseSan(string san, out Move move)
    {
        try { move = ParseSan(san); return true; }
        catch (GameRecordException) { move = default; return false; }
    }

    private static PieceType PromoLetter(char c) => char.ToUpperInvariant(c) switch
    {
        'N' => PieceType.Knight, 'B' => PieceType.Bishop, 'R' => PieceType.Rook, 'Q' => PieceType.Queen, _ => PieceType.None,
    };

    private GameRecordException SanError(string san, string why) =>
        new($"move {_fullmove} ({SideName}) '{san}': {why}");
}
