using SharpSight.Models.Generation;
using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace SharpSight.Games.Othello;

/// <summary>
/// Seeded random legal games as in the Othello-GPT synthetic dataset: from the start, each move is drawn uniformly from
/// the legal moves of the player to move, passes are forced, and the game runs until neither player can move. The
/// generator is xoshiro256** seeded by SplitMix64, so a seed gives the same games on every platform and .NET version.
/// Not thread-safe; use one generator per thread.
/// </summary>
public sealed class OthelloRandomGames
{
    private ulong s0, s1, s2, s3;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">Any 64-bit seed.</param>
    public OthelloRandomGames(ulong seed)
    {
        var seeder = new SplitMix64(seed);
        s0 = seeder.NextUInt64();
        s1 = seeder.NextUInt64();
        s2 = seeder.NextUInt64();
        s3 = seeder.NextUInt64();
    }

    /// <summary><paramref name="count"/> games from a new generator seeded with <paramref name="seed"/>, generated lazily.</summary>
    /// <param name="count">Number of games.</param>
    /// <param name="seed">The seed.</param>
    public static IEnumerable<OthelloGame> Generate(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return GenerateIterator(count, seed);
    }

    private static IEnumerable<OthelloGame> GenerateIterator(int count, ulong seed)
    {
        var generator = new OthelloRandomGames(seed);
        for (int i = 0; i < count; i++) yield return generator.Next();
    }

    /// <summary>The next random game, played to the end.</summary>
    public OthelloGame Next()
    {
        Span<byte> moves = stackalloc byte[OthelloGame.MaxMoves];
        int count = 0, passes = 0;
        ulong mine = OthelloBoard.Start.Mine, theirs = OthelloBoard.Start.Theirs;
        var side = OthelloColor.Black;
        while (true)
        {
            ulong legal = OthelloBoard.GenerateMoves(mine, theirs);
            if (legal == 0)
            {
                if (OthelloBoard.GenerateMoves(theirs, mine) == 0) break;
                (mine, theirs) = (theirs, mine);
                side = side.Opponent();
                passes++;
                continue;
            }
            int square = NthSetBit(legal, (int)Below((uint)BitOperations.PopCount(legal)));
            ulong flips = OthelloBoard.ComputeFlips(mine, theirs, square);
            (mine, theirs) = (theirs ^ flips, mine | flips | (1UL << square));
            side = side.Opponent();
            moves[count++] = (byte)square;
        }
        return OthelloGame.Trusted(moves[..count].ToArray(), new OthelloBoard(mine, theirs, side), passes);
    }

    private static int NthSetBit(ulong bits, int n)
    {
        if (Bmi2.X64.IsSupported) return BitOperations.TrailingZeroCount(Bmi2.X64.ParallelBitDeposit(1UL << n, bits));
        for (; n > 0; n--) bits &= bits - 1;
        return BitOperations.TrailingZeroCount(bits);
    }

    /// <summary>Uniform in [0, bound) by Lemire's multiply-and-reject.</summary>
    private uint Below(uint bound)
    {
        ulong product = (ulong)(uint)(NextUInt64() >> 32) * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (ulong)(uint)(NextUInt64() >> 32) * bound;
                low = (uint)product;
            }
        }
        return (uint)(product >> 32);
    }

    private ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }
}
