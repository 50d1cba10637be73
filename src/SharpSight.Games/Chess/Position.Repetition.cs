namespace SharpSight.Games.Chess;

public sealed partial class Position
{
    /// <summary>
    /// What makes two positions "the same" for the repetition rule (FIDE 9.2.3): the pieces on their squares, the side
    /// to move, the castling rights and the en passant right. The en passant square counts only when an en passant
    /// capture is legal, since this class records it whenever one is merely pseudo-legal.
    /// </summary>
    internal RepetitionKey KeyForRepetition()
    {
        int ep = _ep >= 0 && HasLegalEnPassant() ? _ep : 64;
        return new RepetitionKey(_white, _black, _types[1], _types[2], _types[3], _types[4], _types[5],
            (int)_side | ((int)_castling << 1) | (ep << 5));
    }

    private bool HasLegalEnPassant()
    {
        Span<Move> buf = stackalloc Move[MaxMoves];
        int n = GenerateLegalMoves(buf);
        for (int i = 0; i < n; i++)
            if ((buf[i].Flags & MoveFlags.EnPassant) != 0) return true;
        return false;
    }
}

/// <summary>A position's identity for the repetition rule; kings are the occupied squares no other board names.</summary>
internal readonly record struct RepetitionKey(ulong White, ulong Black, ulong Pawns, ulong Knights, ulong Bishops, ulong Rooks, ulong Queens, int State);
