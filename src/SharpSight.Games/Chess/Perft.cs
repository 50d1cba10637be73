using System.Runtime.CompilerServices;

namespace SharpSight.Games.Chess;

/// <summary>Move-path enumeration (perft) for checking move generation.</summary>
public static class Perft
{
    /// <summary>The number of leaf positions after <paramref name="depth"/> plies; the last ply is counted, not played.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Count(Position position, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        if (depth == 0) return 1;
        if (depth == 1) return position.CountLegalMoves();
        Span<Move> buf = stackalloc Move[Position.MaxMoves];
        int n = position.GenerateLegalMoves(buf);
        long total = 0;
        for (int i = 0; i < n; i++) total += Count(position.Play(buf[i]), depth - 1);
        return total;
    }

    /// <summary>Perft split by first move: each legal move with the leaf count below it (depth ≥ 1), in generation order.</summary>
    public static IReadOnlyList<KeyValuePair<Move, long>> Divide(Position position, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        return position.LegalMoves().Select(m => new KeyValuePair<Move, long>(m, Count(position.Play(m), depth - 1))).ToArray();
    }
}
