using System.Numerics;
using System.Runtime.CompilerServices;

namespace SharpSight.Games.Chess;

/// <summary>
/// A chess position: bitboards per piece kind and per colour, side to move, castling rights, en passant square,
/// halfmove clock and fullmove number. Immutable: <see cref="Play(Move)"/> returns a new position.
/// </summary>
/// <remarks>
/// The en passant square is recorded after a double pawn push only when an enemy pawn stands beside the pushed pawn
/// (a pseudo-legal capture exists), as Stockfish does; a FEN with an en passant square is kept as written.
/// </remarks>
public sealed partial class Position
{
    [InlineArray(7)]
    private struct TypeBoards { private ulong _e; }

    private TypeBoards _types; // index (int)PieceType, 1..6
    private ulong _white, _black;
    private Color _side;
    private CastlingRights _castling;
    private sbyte _ep = -1;
    private int _halfmove;
    private int _fullmove = 1;

    private Position() { }

    /// <summary>The standard starting position.</summary>
    public static Position Start { get; } = FromFen("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1");

    /// <summary>The FEN of the standard starting position.</summary>
    public const string StartFen = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

    /// <summary>The side to move.</summary>
    public Color SideToMove => _side;

    /// <summary>Current castling rights.</summary>
    public CastlingRights Castling => _castling;

    /// <summary>The en passant target square (0..63), or -1 when there is none.</summary>
    public int EnPassantSquare => _ep;

    /// <summary>Halfmoves since the last capture or pawn move (fifty-move rule counter).</summary>
    public int HalfmoveClock => _halfmove;

    /// <summary>The fullmove number: starts at 1 and increases after Black's move.</summary>
    public int FullmoveNumber => _fullmove;

    /// <summary>The bitboard of one colour's pieces (bit i = square i).</summary>
    public ulong Occupancy(Color color) => color == Color.White ? _white : _black;

    /// <summary>The bitboard of all pieces.</summary>
    public ulong AllOccupancy => _white | _black;

    /// <summary>The bitboard of one kind of piece of one colour.</summary>
    public ulong Bitboard(Color color, PieceType type) => type == PieceType.None ? 0 : _types[(int)type] & Occupancy(color);

    /// <summary>What stands on a square (13 classes).</summary>
    public Piece PieceOnSquare(int square)
    {
        ulong b = 1UL << square;
        if (((_white | _black) & b) == 0) return Piece.Empty;
        return Pieces.Make((_white & b) != 0 ? Color.White : Color.Black, TypeAt(square));
    }

    /// <summary>What stands on a named square ("e4").</summary>
    public Piece PieceOnSquare(string square) => PieceOnSquare(Squares.Parse(square));

    /// <summary>The 64 squares' classes, a1 first (index = square number).</summary>
    public Piece[] Board()
    {
        var board = new Piece[64];
        for (int sq = 0; sq < 64; sq++) board[sq] = PieceOnSquare(sq);
        return board;
    }

    /// <summary>The square of a side's king.</summary>
    public int KingSquare(Color color) => BitOperations.TrailingZeroCount(_types[(int)PieceType.King] & Occupancy(color));

    /// <summary>True when the side to move is in check.</summary>
    public bool IsCheck => Checkers() != 0;

    /// <summary>True when the side to move is checkmated.</summary>
    public bool IsCheckmate => IsCheck && !HasLegalMove();

    /// <summary>True when the side to move is stalemated.</summary>
    public bool IsStalemate => !IsCheck && !HasLegalMove();

    /// <summary>
    /// True when neither side can possibly mate: no pawns, rooks or queens, and either at most one minor piece
    /// altogether or only bishops all on squares of one colour.
    /// </summary>
    public bool IsInsufficientMaterial
    {
        get
        {
            if ((_types[1] | _types[4] | _types[5]) != 0) return false;
            ulong minors = _types[2] | _types[3];
            if (BitOperations.PopCount(minors) <= 1) return true;
            if (_types[2] != 0) return false;
            const ulong dark = 0xAA55AA55AA55AA55UL;
            ulong bishops = _types[3];
            return (bishops & dark) == 0 || (bishops & ~dark) == 0;
        }
    }

    /// <summary>True when the game is over on the board: checkmate, stalemate or insufficient material.</summary>
    public bool IsGameOver => !HasLegalMove() || IsInsufficientMaterial;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PieceType TypeAt(int square)
    {
        ulong b = 1UL << square;
        for (int t = 1; t <= 6; t++)
            if ((_types[t] & b) != 0) return (PieceType)t;
        return PieceType.None;
    }

    // Castling-right masks: a move from or to these squares clears the rights.
    private static readonly CastlingRights[] CastleMask = BuildCastleMask();

    private static CastlingRights[] BuildCastleMask()
    {
        var m = new CastlingRights[64];
        Array.Fill(m, CastlingRights.All);
        m[0] = ~CastlingRights.WhiteQueenside & CastlingRights.All;
        m[7] = ~CastlingRights.WhiteKingside & CastlingRights.All;
        m[4] = ~(CastlingRights.WhiteKingside | CastlingRights.WhiteQueenside) & CastlingRights.All;
        m[56] = ~CastlingRights.BlackQueenside & CastlingRights.All;
        m[63] = ~CastlingRights.BlackKingside & CastlingRights.All;
        m[60] = ~(CastlingRights.BlackKingside | CastlingRights.BlackQueenside) & CastlingRights.All;
        return m;
    }

    /// <summary>
    /// Returns the position after a move. The move is assumed legal (take it from <see cref="LegalMoves"/>,
    /// <see cref="ParseSan"/> or <see cref="ParseUci"/>); castling and en passant are recognised from the squares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Position Play(Move move)
    {
        var p = (Position)MemberwiseClone();
        p.Apply(move);
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Apply(Move move)
    {
        int from = move.From, to = move.To;
        ulong fromBB = 1UL << from, toBB = 1UL << to;
        bool white = _side == Color.White;
        PieceType moving = TypeAt(from);
        ulong them = white ? _black : _white;
        _halfmove++;
        if ((them & toBB) != 0)
        {
            PieceType captured = TypeAt(to);
            _types[(int)captured] &= ~toBB;
            if (white) _black &= ~toBB; else _white &= ~toBB;
            _halfmove = 0;
        }
        _types[(int)moving] ^= fromBB | toBB;
        if (white) _white ^= fromBB | toBB; else _black ^= fromBB | toBB;
        int newEp = -1;
        if (moving == PieceType.Pawn)
        {
            _halfmove = 0;
            if (to == _ep)
            {
                ulong cap = 1UL << (white ? to - 8 : to + 8);
                _types[1] &= ~cap;
                if (white) _black &= ~cap; else _white &= ~cap;
            }
            else if (move.Promotion != PieceType.None)
            {
                _types[1] &= ~toBB;
                _types[(int)move.Promotion] |= toBB;
            }
            else if ((from ^ to) == 16)
            {
                int mid = (from + to) >> 1;
                ulong theirPawns = _types[1] & (white ? _black : _white);
                if ((Attacks.Pawn[(white ? 0 : 64) + mid] & theirPawns) != 0) newEp = mid;
            }
        }
        else if (moving == PieceType.King && (from - to == 2 || to - from == 2))
        {
            int rookFrom = to > from ? from + 3 : from - 4, rookTo = to > from ? from + 1 : from - 1;
            ulong rb = (1UL << rookFrom) | (1UL << rookTo);
            _types[4] ^= rb;
            if (white) _white ^= rb; else _black ^= rb;
        }
        _castling &= CastleMask[from] & CastleMask[to];
        _ep = (sbyte)newEp;
        if (!white) _fullmove++;
        _side = white ? Color.Black : Color.White;
    }

    /// <summary>Plays a sequence of moves.</summary>
    public Position Play(IEnumerable<Move> moves)
    {
        var p = this;
        foreach (var m in moves) p = p.Play(m);
        return p;
    }

    /// <summary>Finds the legal move with the given UCI text.</summary>
    /// <exception cref="GameRecordException">When the text is malformed or the move is not legal here.</exception>
    public Move ParseUci(string uci)
    {
        Move bare = Move.ParseUci(uci);
        Span<Move> buf = stackalloc Move[MaxMoves];
        int n = GenerateLegalMoves(buf);
        for (int i = 0; i < n; i++)
            if (buf[i].SameAs(bare)) return buf[i];
        throw new GameRecordException($"move {_fullmove} ({SideName}) '{uci}': not a legal move in {ToFen()}");
    }

    internal string SideName => _side == Color.White ? "white" : "black";

    /// <inheritdoc/>
    public override string ToString() => ToFen();
}
