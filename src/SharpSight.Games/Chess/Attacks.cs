using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SharpSight.Games.Chess;

/// <summary>
/// Precomputed attack tables; sliding attacks by PEXT-indexed tables where BMI2 is available, otherwise by the
/// classical ray method (first blocker by bit scan).
/// </summary>
internal static class Attacks
{
    public static readonly ulong[] Knight = new ulong[64];
    public static readonly ulong[] King = new ulong[64];
    /// <summary>Pawn attacks, indexed [colour * 64 + square].</summary>
    public static readonly ulong[] Pawn = new ulong[128];
    /// <summary>Rays indexed [dir * 64 + square]; dirs 0..3 increase the square index (N, E, NE, NW), 4..7 decrease (S, W, SW, SE).</summary>
    private static readonly ulong[] Rays = new ulong[8 * 64];
    /// <summary>Squares strictly between two aligned squares, [a * 64 + b].</summary>
    public static readonly ulong[] Between = new ulong[64 * 64];
    /// <summary>The whole line through two aligned squares, [a * 64 + b]; 0 when not aligned.</summary>
    public static readonly ulong[] Line = new ulong[64 * 64];
    public static readonly ulong[] RookEmpty = new ulong[64];
    public static readonly ulong[] BishopEmpty = new ulong[64];

    private static readonly (int df, int dr)[] Dirs = [(0, 1), (1, 0), (1, 1), (-1, 1), (0, -1), (-1, 0), (-1, -1), (1, -1)];

    static Attacks()
    {
        for (int sq = 0; sq < 64; sq++)
        {
            int f = sq & 7, r = sq >> 3;
            foreach (var (df, dr) in new[] { (1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1), (-2, 1), (-1, 2) })
                Knight[sq] |= Bit(f + df, r + dr);
            for (int df = -1; df <= 1; df++)
                for (int dr = -1; dr <= 1; dr++)
                    if (df != 0 || dr != 0) King[sq] |= Bit(f + df, r + dr);
            Pawn[sq] = Bit(f - 1, r + 1) | Bit(f + 1, r + 1);
            Pawn[64 + sq] = Bit(f - 1, r - 1) | Bit(f + 1, r - 1);
            for (int d = 0; d < 8; d++)
            {
                var (df, dr) = Dirs[d];
                for (int ff = f + df, rr = r + dr; ff is >= 0 and < 8 && rr is >= 0 and < 8; ff += df, rr += dr)
                    Rays[d * 64 + sq] |= 1UL << (rr * 8 + ff);
            }
        }
        for (int sq = 0; sq < 64; sq++)
        {
            for (int d = 0; d < 8; d++)
            {
                ulong between = 0;
                ulong line = Rays[d * 64 + sq] | Rays[((d + 4) & 7) * 64 + sq] | (1UL << sq);
                ulong ray = Rays[d * 64 + sq];
                // Walk the ray outward from sq.
                var (df, dr) = Dirs[d];
                int f = sq & 7, r = sq >> 3;
                for (int ff = f + df, rr = r + dr; ff is >= 0 and < 8 && rr is >= 0 and < 8; ff += df, rr += dr)
                {
                    int t = rr * 8 + ff;
                    Between[sq * 64 + t] = between;
                    Line[sq * 64 + t] = line;
                    between |= 1UL << t;
                }
                _ = ray;
            }
            RookEmpty[sq] = RookRays(sq, 0);
            BishopEmpty[sq] = BishopRays(sq, 0);
        }
        if (UsePext)
        {
            int offset = 0;
            for (int sq = 0; sq < 64; sq++)
            {
                ulong edges = ((0x0101010101010101UL | 0x8080808080808080UL) & ~(0x0101010101010101UL << (sq & 7)))
                            | ((0xFFUL | 0xFF00000000000000UL) & ~(0xFFUL << (8 * (sq >> 3))));
                RookMask[sq] = RookEmpty[sq] & ~edges;
                RookOffset[sq] = offset;
                offset += 1 << BitOperations.PopCount(RookMask[sq]);
            }
            RookTable = new ulong[offset];
            offset = 0;
            for (int sq = 0; sq < 64; sq++)
            {
                ulong edges = 0xFF818181818181FFUL;
                BishopMask[sq] = BishopEmpty[sq] & ~edges;
                BishopOffset[sq] = offset;
                offset += 1 << BitOperations.PopCount(BishopMask[sq]);
            }
            BishopTable = new ulong[offset];
            for (int sq = 0; sq < 64; sq++)
            {
                ulong m = RookMask[sq], sub = 0;
                do { RookTable[RookOffset[sq] + (int)Bmi2.X64.ParallelBitExtract(sub, m)] = RookRays(sq, sub); sub = (sub - m) & m; } while (sub != 0);
                m = BishopMask[sq]; sub = 0;
                do { BishopTable[BishopOffset[sq] + (int)Bmi2.X64.ParallelBitExtract(sub, m)] = BishopRays(sq, sub); sub = (sub - m) & m; } while (sub != 0);
            }
        }
    }

    private static readonly bool UsePext = Bmi2.X64.IsSupported;
    private static readonly ulong[] RookMask = new ulong[64];
    private static readonly ulong[] BishopMask = new ulong[64];
    private static readonly int[] RookOffset = new int[64];
    private static readonly int[] BishopOffset = new int[64];
    private static readonly ulong[] RookTable = [];
    private static readonly ulong[] BishopTable = [];

    private static ulong Bit(int f, int r) => f is >= 0 and < 8 && r is >= 0 and < 8 ? 1UL << (r * 8 + f) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Ray(int sq, int dir, ulong occ)
    {
        ulong ray = Rays[dir * 64 + sq];
        ulong blockers = ray & occ;
        if (blockers == 0) return ray;
        int b = dir < 4 ? BitOperations.TrailingZeroCount(blockers) : 63 - BitOperations.LeadingZeroCount(blockers);
        return ray ^ Rays[dir * 64 + b];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Rook(int sq, ulong occ) => Bmi2.X64.IsSupported
        ? RookTable[RookOffset[sq] + (int)Bmi2.X64.ParallelBitExtract(occ, RookMask[sq])]
        : RookRays(sq, occ);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Bishop(int sq, ulong occ) => Bmi2.X64.IsSupported
        ? BishopTable[BishopOffset[sq] + (int)Bmi2.X64.ParallelBitExtract(occ, BishopMask[sq])]
        : BishopRays(sq, occ);

    private static ulong RookRays(int sq, ulong occ) => Ray(sq, 0, occ) | Ray(sq, 1, occ) | Ray(sq, 4, occ) | Ray(sq, 5, occ);

    private static ulong BishopRays(int sq, ulong occ) => Ray(sq, 2, occ) | Ray(sq, 3, occ) | Ray(sq, 6, occ) | Ray(sq, 7, occ);
}
