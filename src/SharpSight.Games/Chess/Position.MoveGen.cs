using System.Numerics;
using System.Runtime.CompilerServices;

namespace SharpSight.Games.Chess;

public sealed partial class Position
{
    /// <summary>An upper bound on the number of legal moves in any position (buffer size for <see cref="GenerateLegalMoves"/>).</summary>
    public const int MaxMoves = 256;

    /// <summary>True when <paramref name="square"/> is attacked by <paramref name="by"/> pieces.</summary>
    public bool IsAttacked(int square, Color by) => AttackedBy(square, by, _white | _black);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AttackedBy(int sq, Color by, ulong occ)
    {
        ulong them = by == Color.White ? _white : _black;
        ulong defenderSide = by == Color.White ? 64UL : 0UL;
        if ((Attacks.Pawn[(int)defenderSide + sq] & _types[1] & them) != 0) return true;
        if ((Attacks.Knight[sq] & _types[2] & them) != 0) return true;
        if ((Attacks.King[sq] & _types[6] & them) != 0) return true;
        ulong bq = (_types[3] | _types[5]) & them;
        if ((Attacks.BishopEmpty[sq] & bq) != 0 && (Attacks.Bishop(sq, occ) & bq) != 0) return true;
        ulong rq = (_types[4] | _types[5]) & them;
        return (Attacks.RookEmpty[sq] & rq) != 0 && (Attacks.Rook(sq, occ) & rq) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong Checkers()
    {
        bool white = _side == Color.White;
        ulong us = white ? _white : _black, them = white ? _black : _white, occ = us | them;
        int k = BitOperations.TrailingZeroCount(_types[6] & us);
        return ((Attacks.Pawn[(white ? 0 : 64) + k] & _types[1])
              | (Attacks.Knight[k] & _types[2])
              | (Attacks.Bishop(k, occ) & (_types[3] | _types[5]))
              | (Attacks.Rook(k, occ) & (_types[4] | _types[5]))) & them;
    }

    /// <summary>True when the side to move has at least one legal move.</summary>
    public bool HasLegalMove()
    {
        Span<Move> buf = stackalloc Move[MaxMoves];
        return GenerateLegalMoves(buf) > 0;
    }

    /// <summary>The legal moves of the side to move.</summary>
    public IReadOnlyList<Move> LegalMoves()
    {
        Span<Move> buf = stackalloc Move[MaxMoves];
        int n = GenerateLegalMoves(buf);
        return buf[..n].ToArray();
    }

    /// <summary>The legal moves as UCI strings.</summary>
    public IReadOnlyList<string> LegalMovesUci() => LegalMoves().Select(m => m.ToUci()).ToArray();

    /// <summary>The legal moves as SAN strings.</summary>
    public IReadOnlyList<string> LegalMovesSan() => LegalMoves().Select(ToSan).ToArray();

    /// <summary>Writes the legal moves into <paramref name="moves"/> (at least <see cref="MaxMoves"/> long) and returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GenerateLegalMoves(Span<Move> moves)
    {
        bool white = _side == Color.White;
        ulong us = white ? _white : _black, them = white ? _black : _white, occ = us | them;
        Color enemy = white ? Color.Black : Color.White;
        int k = BitOperations.TrailingZeroCount(_types[6] & us);
        int n = 0;
        ulong checkers = Checkers();

        // King moves.
        ulong occNoKing = occ ^ (1UL << k);
        for (ulong t = Attacks.King[k] & ~us; t != 0; t &= t - 1)
        {
            int to = BitOperations.TrailingZeroCount(t);
            if (!AttackedBy(to, enemy, occNoKing))
                moves[n++] = new Move(k, to, PieceType.None, (them & (1UL << to)) != 0 ? MoveFlags.Capture : MoveFlags.None);
        }
        if (BitOperations.PopCount(checkers) > 1) return n;

        ulong target = ~us;
        if (checkers != 0) target &= Attacks.Between[k * 64 + BitOperations.TrailingZeroCount(checkers)] | checkers;

        // Pinned pieces.
        ulong pinned = 0;
        ulong snipers = ((Attacks.RookEmpty[k] & (_types[4] | _types[5])) | (Attacks.BishopEmpty[k] & (_types[3] | _types[5]))) & them;
        for (; snipers != 0; snipers &= snipers - 1)
        {
            int s = BitOperations.TrailingZeroCount(snipers);
            ulong b = Attacks.Between[k * 64 + s] & occ;
            if (b != 0 && (b & (b - 1)) == 0 && (b & us) != 0) pinned |= b;
        }

        // Knights (a pinned knight never moves).
        for (ulong f = _types[2] & us & ~pinned; f != 0; f &= f - 1)
        {
            int from = BitOperations.TrailingZeroCount(f);
            n = AddAll(moves, n, from, Attacks.Knight[from] & target, them);
        }
        // Sliders.
        for (ulong f = (_types[3] | _types[5]) & us; f != 0; f &= f - 1)
        {
            int from = BitOperations.TrailingZeroCount(f);
            ulong a = Attacks.Bishop(from, occ) & target;
            if ((pinned & (1UL << from)) != 0) a &= Attacks.Line[k * 64 + from];
            n = AddAll(moves, n, from, a, them);
        }
        for (ulong f = (_types[4] | _types[5]) & us; f != 0; f &= f - 1)
        {
            int from = BitOperations.TrailingZeroCount(f);
            ulong a = Attacks.Rook(from, occ) & target;
            if ((pinned & (1UL << from)) != 0) a &= Attacks.Line[k * 64 + from];
            n = AddAll(moves, n, from, a, them);
        }
        // Pawns.
        int up = white ? 8 : -8;
        ulong startRank = white ? 0xFF00UL : 0xFF000000000000UL;
        ulong lastRank = white ? 0xFF00000000000000UL : 0xFFUL;
        for (ulong f = _types[1] & us; f != 0; f &= f - 1)
        {
            int from = BitOperations.TrailingZeroCount(f);
            ulong fromBB = 1UL << from;
            ulong allowed = target;
            if ((pinned & fromBB) != 0) allowed &= Attacks.Line[k * 64 + from];
            int one = from + up;
            if ((occ & (1UL << one)) == 0)
            {
                if ((allowed & (1UL << one)) != 0)
                {
                    if (((1UL << one) & lastRank) != 0) n = AddPromotions(moves, n, from, one, MoveFlags.None);
                    else moves[n++] = new Move(from, one);
                }
                int two = one + up;
                if ((fromBB & startRank) != 0 && (occ & (1UL << two)) == 0 && (allowed & (1UL << two)) != 0)
                    moves[n++] = new Move(from, two, PieceType.None, MoveFlags.DoublePush);
            }
            ulong pa = Attacks.Pawn[(white ? 0 : 64) + from];
            for (ulong c = pa & them & allowed; c != 0; c &= c - 1)
            {
                int to = BitOperations.TrailingZeroCount(c);
                if (((1UL << to) & lastRank) != 0) n = AddPromotions(moves, n, from, to, MoveFlags.Capture);
                else moves[n++] = new Move(from, to, PieceType.None, MoveFlags.Capture);
            }
            if (_ep >= 0 && (pa & (1UL << _ep)) != 0)
            {
                int capSq = _ep - up;
                ulong occ2 = (occ ^ fromBB ^ (1UL << capSq)) | (1UL << _ep);
                ulong attackers =
                    (Attacks.Bishop(k, occ2) & (_types[3] | _types[5]) & them)
                  | (Attacks.Rook(k, occ2) & (_types[4] | _types[5]) & them)
                  | (Attacks.Knight[k] & _types[2] & them)
                  | (Attacks.Pawn[(white ? 0 : 64) + k] & _types[1] & them & ~(1UL << capSq));
                if (attackers == 0) moves[n++] = new Move(from, _ep, PieceType.None, MoveFlags.Capture | MoveFlags.EnPassant);
            }
        }
        // Castling.
        if (checkers == 0 && _castling != CastlingRights.None)
        {
            CastlingRights ks = white ? CastlingRights.WhiteKingside : CastlingRights.BlackKingside;
            CastlingRights qs = white ? CastlingRights.WhiteQueenside : CastlingRights.BlackQueenside;
            if ((_castling & ks) != 0 && (occ & (3UL << (k + 1))) == 0
                && !AttackedBy(k + 1, enemy, occ) && !AttackedBy(k + 2, enemy, occ))
                moves[n++] = new Move(k, k + 2, PieceType.None, MoveFlags.Castle);
            if ((_castling & qs) != 0 && (occ & (7UL << (k - 3))) == 0
                && !AttackedBy(k - 1, enemy, occ) && !AttackedBy(k - 2, enemy, occ))
                moves[n++] = new Move(k, k - 2, PieceType.None, MoveFlags.Castle);
        }
        return n;
    }

    /// <summary>The number of legal moves, as <see cref="GenerateLegalMoves"/> would return, without listing them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int CountLegalMoves()
    {
        bool white = _side == Color.White;
        ulong us = white ? _white : _black, them = white ? _black : _white, occ = us | them;
        Color enemy = white ? Color.Black : Color.White;
        int k = BitOperations.TrailingZeroCount(_types[6] & us);
        int n = 0;
        ulong checkers = Checkers();

        ulong occNoKing = occ ^ (1UL << k);
        for (ulong t = Attacks.King[k] & ~us; t != 0; t &= t - 1)
            if (!AttackedBy(BitOperations.TrailingZeroCount(t), enemy, occNoKing)) n++;
        if (BitOperations.PopCount(checkers) > 1) return n;

        ulong target = ~us;
        if (checkers != 0) target &= Attacks.Between[k * 64 + BitOperations.TrailingZeroCount(checkers)] | checkers;

        ulong pinned = 0;
        ulong snipers = ((Attacks.RookEmpty[k] & (_types[4] | _types[5])) | (Attacks.BishopEmpty[k] & (_types[3] | _types[5]))) & them;
        for (; snipers != 0; snipers &= snipers - 1)
        {
            int s = BitOperations.TrailingZeroCount(snipers);
            ulong b = Attacks.Between[k * 64 + s] & occ;
            if (b != 0 && (b & (b - 1)) == 0 && (b & us) != 0) pinned |= b;
        }

        for (ulong f = _types[2] & us & ~pinned; f != 0; f &= f - 1)
            n += BitOperations.PopCount(Attacks.Knight[BitOperations.TrailingZeroCount(f)] & target);
        for (ulong f = (_types[3] | _types[5]) & us; f != 0; f &= f - 1)
        {
            int from = BitOperations.TrailingZeroCount(f);
            ulong a = Attacks.Bishop(from, occ) & target;
            if ((pinned & (1UL << from)) != 0) a &= Attacks.Line[k * 64 + from];
            n += BitOperations.PopCount(a);
        }
        for (ulong f = (_types[4] | _types[5]) & us; f != 0; f &= f - 1)
        {
            int from = BitOperations.TrailingZeroCount(f);
            ulong a = Attacks.Rook(from, occ) & target;
            if ((pinned & (1UL << from)) != 0) a &= Attacks.Line[k * 64 + from];
            n += BitOperations.PopCount(a);
        }

        // Pawns: unpinned ones set-wise, pinned ones one by one.
        ulong pawns = _types[1] & us;
        ulong lastRank = white ? 0xFF00000000000000UL : 0xFFUL;
        ulong empty = ~occ;
        ulong free = pawns & ~pinned;
        const ulong notA = 0xFEFEFEFEFEFEFEFEUL, notH = 0x7F7F7F7F7F7F7F7FUL;
        ulong one, two, capL, capR;
        if (white)
        {
            one = (free << 8) & empty;
            two = ((one & 0xFF0000UL) << 8) & empty & target;
            capL = ((free & notA) << 7) & them;
            capR = ((free & notH) << 9) & them;
        }
        else
        {
            one = (free >> 8) & empty;
            two = ((one & 0xFF0000000000UL) >> 8) & empty & target;
            capL = ((free & notA) >> 9) & them;
            capR = ((free & notH) >> 7) & them;
        }
        one &= target; capL &= target; capR &= target;
        n += BitOperations.PopCount(one & ~lastRank) + BitOperations.PopCount(two)
           + BitOperations.PopCount(capL & ~lastRank) + BitOperations.PopCount(capR & ~lastRank)
           + 4 * (BitOperations.PopCount(one & lastRank) + BitOperations.PopCount(capL & lastRank) + BitOperations.PopCount(capR & lastRank));

        int up = white ? 8 : -8;
        ulong startRank = white ? 0xFF00UL : 0xFF000000000000UL;
        for (ulong f = pawns & pinned; f != 0; f &= f - 1)
        {
            int from = BitOperations.TrailingZeroCount(f);
            ulong fromBB = 1UL << from;
            ulong allowed = target & Attacks.Line[k * 64 + from];
            int o = from + up;
            if ((occ & (1UL << o)) == 0)
            {
                if ((allowed & (1UL << o)) != 0) n += ((1UL << o) & lastRank) != 0 ? 4 : 1;
                int t2 = o + up;
                if ((fromBB & startRank) != 0 && (occ & (1UL << t2)) == 0 && (allowed & (1UL << t2)) != 0) n++;
            }
            ulong c = Attacks.Pawn[(white ? 0 : 64) + from] & them & allowed;
            n += BitOperations.PopCount(c & ~lastRank) + 4 * BitOperations.PopCount(c & lastRank);
        }
        if (_ep >= 0)
        {
            for (ulong f = Attacks.Pawn[(white ? 64 : 0) + _ep] & pawns; f != 0; f &= f - 1)
            {
                int from = BitOperations.TrailingZeroCount(f);
                int capSq = _ep - up;
                ulong occ2 = (occ ^ (1UL << from) ^ (1UL << capSq)) | (1UL << _ep);
                ulong attackers =
                    (Attacks.Bishop(k, occ2) & (_types[3] | _types[5]) & them)
                  | (Attacks.Rook(k, occ2) & (_types[4] | _types[5]) & them)
                  | (Attacks.Knight[k] & _types[2] & them)
                  | (Attacks.Pawn[(white ? 0 : 64) + k] & _types[1] & them & ~(1UL << capSq));
                if (attackers == 0) n++;
            }
        }
        if (checkers == 0 && _castling != CastlingRights.None)
        {
            CastlingRights ks = white ? CastlingRights.WhiteKingside : CastlingRights.BlackKingside;
            CastlingRights qs = white ? CastlingRights.WhiteQueenside : CastlingRights.BlackQueenside;
            if ((_castling & ks) != 0 && (occ & (3UL << (k + 1))) == 0
                && !AttackedBy(k + 1, enemy, occ) && !AttackedBy(k + 2, enemy, occ))
                n++;
            if ((_castling & qs) != 0 && (occ & (7UL << (k - 3))) == 0
                && !AttackedBy(k - 1, enemy, occ) && !AttackedBy(k - 2, enemy, occ))
                n++;
        }
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddAll(Span<Move> moves, int n, int from, ulong targets, ulong them)
    {
        for (; targets != 0; targets &= targets - 1)
        {
            int to = BitOperations.TrailingZeroCount(targets);
            moves[n++] = new Move(from, to, PieceType.None, (them & (1UL << to)) != 0 ? MoveFlags.Capture : MoveFlags.None);
        }
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int AddPromotions(Span<Move> moves, int n, int from, int to, MoveFlags flags)
    {
        moves[n++] = new Move(from, to, PieceType.Queen, flags);
        moves[n++] = new Move(from, to, PieceType.Rook, flags);
        moves[n++] = new Move(from, to, PieceType.Bishop, flags);
        moves[n++] = new Move(from, to, PieceType.Knight, flags);
        return n;
    }
}
