using System.Globalization;
using System.Numerics;
using System.Text;

namespace SharpSight.Games.Chess;

public sealed partial class Position
{
    /// <summary>
    /// Reads a FEN string. Six space-separated fields; the two clocks may be omitted (then "0 1"). Each bad field gives
    /// a <see cref="GameRecordException"/> naming the field and its value. Also rejected: a side without exactly one
    /// king, pawns on the first or last rank, castling rights without king and rook at home, an en passant square
    /// without the pawn that just moved, and the side not to move being in check.
    /// </summary>
    public static Position FromFen(string fen)
    {
        ArgumentNullException.ThrowIfNull(fen);
        string[] f = fen.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 6 && f.Length != 4)
            throw Bad(fen, "field count", f.Length.ToString(CultureInfo.InvariantCulture), "expected 6 fields (or 4 without the clocks)");
        var p = new Position();

        // Piece placement.
        string[] ranks = f[0].Split('/');
        if (ranks.Length != 8) throw Bad(fen, "piece placement", f[0], $"expected 8 ranks, got {ranks.Length}");
        for (int i = 0; i < 8; i++)
        {
            int rank = 7 - i, file = 0;
            foreach (char c in ranks[i])
            {
                if (c is >= '1' and <= '8') { file += c - '0'; continue; }
                int idx = "PNBRQKpnbrqk".IndexOf(c);
                if (idx < 0) throw Bad(fen, "piece placement", f[0], $"bad piece letter '{c}' in rank {rank + 1}");
                if (file > 7) { file++; continue; }
                ulong b = 1UL << (rank * 8 + file);
                p._types[idx % 6 + 1] |= b;
                if (idx < 6) p._white |= b; else p._black |= b;
                file++;
            }
            if (file != 8) throw Bad(fen, "piece placement", f[0], $"rank {rank + 1} ('{ranks[i]}') covers {file} files, not 8");
        }
        if (BitOperations.PopCount(p._types[6] & p._white) != 1 || BitOperations.PopCount(p._types[6] & p._black) != 1)
            throw Bad(fen, "piece placement", f[0], "each side needs exactly one king");
        if ((p._types[1] & 0xFF000000000000FFUL) != 0)
            throw Bad(fen, "piece placement", f[0], "pawn on the first or last rank");

        // Side to move.
        p._side = f[1] switch
        {
            "w" => Color.White,
            "b" => Color.Black,
            _ => throw Bad(fen, "side to move", f[1], "expected 'w' or 'b'"),
        };

        // Castling.
        if (f[2] != "-")
        {
            foreach (char c in f[2])
            {
                CastlingRights r = c switch
                {
                    'K' => CastlingRights.WhiteKingside, 'Q' => CastlingRights.WhiteQueenside,
                    'k' => CastlingRights.BlackKingside, 'q' => CastlingRights.BlackQueenside,
                    _ => throw Bad(fen, "castling", f[2], $"bad character '{c}' (expected '-' or letters of KQkq)"),
                };
                if ((p._castling & r) != 0) throw Bad(fen, "castling", f[2], $"'{c}' repeated");
                p._castling |= r;
            }
            foreach (var (right, king, rook, letter) in new[]
            {
                (CastlingRights.WhiteKingside, Piece.WhiteKing, (Sq: 7, P: Piece.WhiteRook), 'K'),
                (CastlingRights.WhiteQueenside, Piece.WhiteKing, (Sq: 0, P: Piece.WhiteRook), 'Q'),
                (CastlingRights.BlackKingside, Piece.BlackKing, (Sq: 63, P: Piece.BlackRook), 'k'),
                (CastlingRights.BlackQueenside, Piece.BlackKing, (Sq: 56, P: Piece.BlackRook), 'q'),
            })
            {
                int kingSq = king == Piece.WhiteKing ? 4 : 60;
                if ((p._castling & right) != 0 && (p.PieceOnSquare(kingSq) != king || p.PieceOnSquare(rook.Sq) != rook.P))
                    throw Bad(fen, "castling", f[2], $"'{letter}' but king or rook not on its home square");
            }
        }

        // En passant.
        if (f[3] != "-")
        {
            if (!Squares.TryParse(f[3], out int ep)) throw Bad(fen, "en passant", f[3], "not a square name or '-'");
            int wantRank = p._side == Color.White ? 5 : 2;
            if (Squares.Rank(ep) != wantRank)
                throw Bad(fen, "en passant", f[3], $"must be on rank {wantRank + 1} when {(p._side == Color.White ? "white" : "black")} is to move");
            int pawnSq = p._side == Color.White ? ep - 8 : ep + 8;
            int fromSq = p._side == Color.White ? ep + 8 : ep - 8;
            Piece theirPawn = p._side == Color.White ? Piece.BlackPawn : Piece.WhitePawn;
            if (p.PieceOnSquare(pawnSq) != theirPawn || p.PieceOnSquare(ep) != Piece.Empty || p.PieceOnSquare(fromSq) != Piece.Empty)
                throw Bad(fen, "en passant", f[3], "no pawn that has just made a double step past it");
            p._ep = (sbyte)ep;
        }

        // Clocks.
        if (f.Length == 6)
        {
            if (!int.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out p._halfmove))
                throw Bad(fen, "halfmove clock", f[4], "expected a non-negative integer");
            if (!int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out p._fullmove) || p._fullmove < 1)
                throw Bad(fen, "fullmove number", f[5], "expected a positive integer");
        }
        else { p._halfmove = 0; p._fullmove = 1; }

        Color notToMove = p._side.Opponent();
        if (p.AttackedBy(p.KingSquare(notToMove), p._side, p._white | p._black))
            throw Bad(fen, "side to move", f[1], "the side not to move is in check");
        return p;
    }

    /// <summary>Like <see cref="FromFen"/>, but returns false instead of throwing.</summary>
    public static bool TryFromFen(string fen, out Position? position)
    {
        try { position = FromFen(fen); return true; }
        catch (GameRecordException) { position = null; return false; }
    }

    private static GameRecordException Bad(string fen, string field, string value, string why) =>
        new($"FEN '{fen}': {field} '{value}': {why}");

    /// <summary>The FEN string of this position.</summary>
    public string ToFen()
    {
        var sb = new StringBuilder(90);
        for (int rank = 7; rank >= 0; rank--)
        {
            int empty = 0;
            for (int file = 0; file < 8; file++)
            {
                Piece pc = PieceOnSquare(rank * 8 + file);
                if (pc == Piece.Empty) { empty++; continue; }
                if (empty > 0) { sb.Append((char)('0' + empty)); empty = 0; }
                sb.Append(pc.ToFenChar());
            }
            if (empty > 0) sb.Append((char)('0' + empty));
            if (rank > 0) sb.Append('/');
        }
        sb.Append(_side == Color.White ? " w " : " b ");
        if (_castling == CastlingRights.None) sb.Append('-');
        else
        {
            if ((_castling & CastlingRights.WhiteKingside) != 0) sb.Append('K');
            if ((_castling & CastlingRights.WhiteQueenside) != 0) sb.Append('Q');
            if ((_castling & CastlingRights.BlackKingside) != 0) sb.Append('k');
            if ((_castling & CastlingRights.BlackQueenside) != 0) sb.Append('q');
        }
        sb.Append(' ').Append(_ep >= 0 ? Squares.Name(_ep) : "-");
        sb.Append(' ').Append(_halfmove.ToString(CultureInfo.InvariantCulture));
        sb.Append(' ').Append(_fullmove.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }
}
