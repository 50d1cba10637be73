namespace SharpSight.Games.Chess;

/// <summary>The two sides.</summary>
public enum Color : byte
{
    /// <summary>White, who moves first.</summary>
    White = 0,
    /// <summary>Black.</summary>
    Black = 1,
}

/// <summary>Piece kinds, without colour. <see cref="None"/> marks "no piece" (for example no promotion).</summary>
public enum PieceType : byte
{
    /// <summary>No piece.</summary>
    None = 0,
    /// <summary>Pawn.</summary>
    Pawn = 1,
    /// <summary>Knight.</summary>
    Knight = 2,
    /// <summary>Bishop.</summary>
    Bishop = 3,
    /// <summary>Rook.</summary>
    Rook = 4,
    /// <summary>Queen.</summary>
    Queen = 5,
    /// <summary>King.</summary>
    King = 6,
}

/// <summary>
/// What stands on a square: 13 classes (empty, six white pieces, six black pieces), numbered so the value can be
/// used directly as a probe class label.
/// </summary>
public enum Piece : byte
{
    /// <summary>An empty square.</summary>
    Empty = 0,
    /// <summary>White pawn.</summary>
    WhitePawn = 1,
    /// <summary>White knight.</summary>
    WhiteKnight = 2,
    /// <summary>White bishop.</summary>
    WhiteBishop = 3,
    /// <summary>White rook.</summary>
    WhiteRook = 4,
    /// <summary>White queen.</summary>
    WhiteQueen = 5,
    /// <summary>White king.</summary>
    WhiteKing = 6,
    /// <summary>Black pawn.</summary>
    BlackPawn = 7,
    /// <summary>Black knight.</summary>
    BlackKnight = 8,
    /// <summary>Black bishop.</summary>
    BlackBishop = 9,
    /// <summary>Black rook.</summary>
    BlackRook = 10,
    /// <summary>Black queen.</summary>
    BlackQueen = 11,
    /// <summary>Black king.</summary>
    BlackKing = 12,
}

/// <summary>Castling rights, as in the FEN castling field.</summary>
[Flags]
public enum CastlingRights : byte
{
    /// <summary>No castling right.</summary>
    None = 0,
    /// <summary>White may castle kingside (K).</summary>
    WhiteKingside = 1,
    /// <summary>White may castle queenside (Q).</summary>
    WhiteQueenside = 2,
    /// <summary>Black may castle kingside (k).</summary>
    BlackKingside = 4,
    /// <summary>Black may castle queenside (q).</summary>
    BlackQueenside = 8,
    /// <summary>All four rights.</summary>
    All = 15,
}

/// <summary>Helpers for pieces and piece kinds.</summary>
public static class Pieces
{
    /// <summary>Combines a colour and a kind into a <see cref="Piece"/> (<see cref="Piece.Empty"/> for <see cref="PieceType.None"/>).</summary>
    public static Piece Make(Color color, PieceType type) =>
        type == PieceType.None ? Piece.Empty : (Piece)((int)type + (color == Color.Black ? 6 : 0));

    /// <summary>The kind of a piece.</summary>
    public static PieceType TypeOf(this Piece piece) =>
        piece == Piece.Empty ? PieceType.None : (PieceType)(((int)piece - 1) % 6 + 1);

    /// <summary>The colour of a (non-empty) piece.</summary>
    public static Color ColorOf(this Piece piece) => (int)piece > 6 ? Color.Black : Color.White;

    /// <summary>The FEN letter of a piece (upper case white, lower case black, '.' for empty).</summary>
    public static char ToFenChar(this Piece piece) => ".PNBRQKpnbrqk"[(int)piece];

    /// <summary>The upper-case SAN letter of a kind ('P' for pawns, ' ' for none).</summary>
    public static char ToLetter(this PieceType type) => " PNBRQK"[(int)type];

    /// <summary>The opposite colour.</summary>
    public static Color Opponent(this Color color) => color == Color.White ? Color.Black : Color.White;
}

/// <summary>Squares are numbered 0..63: a1 = 0, b1 = 1, …, h1 = 7, a2 = 8, …, h8 = 63.</summary>
public static class Squares
{
    /// <summary>The file (0 = a … 7 = h) of a square.</summary>
    public static int File(int square) => square & 7;

    /// <summary>The rank (0 = rank 1 … 7 = rank 8) of a square.</summary>
    public static int Rank(int square) => square >> 3;

    /// <summary>The square at a file and rank (both 0..7).</summary>
    public static int At(int file, int rank) => rank * 8 + file;

    /// <summary>The algebraic name of a square ("e4").</summary>
    public static string Name(int square)
    {
        if ((uint)square > 63) throw new ArgumentOutOfRangeException(nameof(square), square, "a square is 0..63");
        return string.Create(2, square, static (span, sq) => { span[0] = (char)('a' + (sq & 7)); span[1] = (char)('1' + (sq >> 3)); });
    }

    /// <summary>Parses an algebraic square name ("e4"); false when the text is not one.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out int square)
    {
        square = -1;
        if (text.Length != 2 || text[0] < 'a' || text[0] > 'h' || text[1] < '1' || text[1] > '8') return false;
        square = (text[1] - '1') * 8 + (text[0] - 'a');
        return true;
    }

    /// <summary>Parses an algebraic square name ("e4").</summary>
    /// <exception cref="GameRecordException">When the text is not a square name.</exception>
    public static int Parse(string text) =>
        TryParse(text, out int sq) ? sq : throw new GameRecordException($"square: '{text}' is not a square name (a1..h8)");
}
