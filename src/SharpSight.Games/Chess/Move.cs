namespace SharpSight.Games.Chess;

/// <summary>Extra facts about a move, filled in by move generation.</summary>
[Flags]
public enum MoveFlags : byte
{
    /// <summary>A quiet move.</summary>
    None = 0,
    /// <summary>The move captures a piece (including en passant).</summary>
    Capture = 1,
    /// <summary>An en passant capture.</summary>
    EnPassant = 2,
    /// <summary>Castling (encoded as the king's two-square move, e1g1 etc.).</summary>
    Castle = 4,
    /// <summary>A pawn's two-square advance.</summary>
    DoublePush = 8,
}

/// <summary>
/// A chess move: from square, to square, promotion kind and flags. Castling is the king's two-square move (UCI
/// convention: e1g1, e1c1, e8g8, e8c8).
/// </summary>
public readonly struct Move : IEquatable<Move>
{
    private readonly int _data;

    /// <summary>Creates a move.</summary>
    public Move(int from, int to, PieceType promotion = PieceType.None, MoveFlags flags = MoveFlags.None) =>
        _data = from | (to << 6) | ((int)promotion << 12) | ((int)flags << 16);

    /// <summary>The origin square (0..63).</summary>
    public int From => _data & 63;

    /// <summary>The destination square (0..63).</summary>
    public int To => (_data >> 6) & 63;

    /// <summary>The promotion kind, or <see cref="PieceType.None"/>.</summary>
    public PieceType Promotion => (PieceType)((_data >> 12) & 7);

    /// <summary>Flags set by move generation (capture, en passant, castling, double push).</summary>
    public MoveFlags Flags => (MoveFlags)(_data >> 16);

    /// <summary>True for the default value, which is no real move (a1a1).</summary>
    public bool IsNull => (_data & 0xFFF) == 0;

    /// <summary>The UCI text of the move ("e2e4", "e7e8q").</summary>
    public string ToUci()
    {
        string s = Squares.Name(From) + Squares.Name(To);
        return Promotion == PieceType.None ? s : s + char.ToLowerInvariant(Promotion.ToLetter());
    }

    /// <summary>Parses UCI text into a bare move (no flags); use <see cref="Position.ParseUci"/> to get a checked legal move.</summary>
    /// <exception cref="GameRecordException">When the text is not UCI move syntax.</exception>
    public static Move ParseUci(string uci)
    {
        if (uci.Length is 4 or 5 && Squares.TryParse(uci.AsSpan(0, 2), out int from) && Squares.TryParse(uci.AsSpan(2, 2), out int to))
        {
            if (uci.Length == 4) return new Move(from, to);
            PieceType promo = char.ToLowerInvariant(uci[4]) switch
            {
                'n' => PieceType.Knight, 'b' => PieceType.Bishop, 'r' => PieceType.Rook, 'q' => PieceType.Queen, _ => PieceType.None,
            };
            if (promo != PieceType.None) return new Move(from, to, promo);
        }
        throw new GameRecordException($"UCI move '{uci}': not of the form e2e4 or e7e8q");
    }

    /// <summary>True when both moves have the same squares and promotion (flags are ignored).</summary>
    public bool SameAs(Move other) => (_data & 0xFFFF) == (other._data & 0xFFFF);

    /// <inheritdoc/>
    public bool Equals(Move other) => _data == other._data;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Move m && Equals(m);

    /// <inheritdoc/>
    public override int GetHashCode() => _data;

    /// <summary>Equality of all fields.</summary>
    public static bool operator ==(Move a, Move b) => a._data == b._data;

    /// <summary>Inequality of any field.</summary>
    public static bool operator !=(Move a, Move b) => a._data != b._data;

    /// <summary>The UCI text.</summary>
    public override string ToString() => ToUci();
}
