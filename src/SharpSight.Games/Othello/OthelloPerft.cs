using System.Numerics;

namespace SharpSight.Games.Othello;

/// <summary>
/// Move-path enumeration for testing move generation. A pass is a move (a ply) when the player to move has no legal move;
/// a pass node where the other player has no legal move either ends the game and counts as one leaf whatever depth remains.
/// The last ply is counted in bulk (the number of legal moves, or 1 for a pass).
/// </summary>
public static class OthelloPerft
{
    /// <summary>The number of move paths of length <paramref name="depth"/> from <paramref name="position"/>.</summary>
    /// <param name="position">The root position.</param>
    /// <param name="depth">Plies, 0 or more (0 gives 1).</param>
    public static long Count(OthelloBoard position, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        return depth == 0 ? 1 : Count(position.Mine, position.Theirs, depth, passed: false);
    }

    private static long Count(ulong mine, ulong theirs, int depth, bool passed)
    {
        ulong moves = OthelloBoard.GenerateMoves(mine, theirs);
        if (moves == 0)
        {
            if (passed || depth == 1) return 1;
            return Count(theirs, mine, depth - 1, passed: true);
        }
        if (depth == 1) return BitOperations.PopCount(moves);
        long total = 0;
        for (; moves != 0; moves &= moves - 1)
        {
            int sq = BitOperations.TrailingZeroCount(moves);
            ulong flips = OthelloBoard.ComputeFlips(mine, theirs, sq);
            total += Count(theirs ^ flips, mine | flips | (1UL << sq), depth - 1, passed: false);
        }
        return total;
    }
}
