using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace SharpSight.Games.Othello;

/// <summary>
/// An Othello position on two bitboards: the discs of the player to move (<see cref="Mine"/>), the discs of the
/// opponent (<see cref="Theirs"/>) and the colour to move. Bit <c>i</c> is square <c>i</c> as in
/// <see cref="OthelloSquare"/> (a1 = 0, h8 = 63). Immutable; <see cref="Play"/> and <see cref="Pass"/> return new
/// positions.
/// </summary>
public readonly struct OthelloBoard : IEquatable<OthelloBoard>
{
    private const ulong NotEdgeFiles = 0x7E7E7E7E7E7E7E7EUL;

    /// <summary>Creates a position from the discs of the side to move and of its opponent.</summary>
    /// <param name="mine">Discs of the player to move.</param>
    /// <param name="theirs">Discs of the opponent.</param>
    /// <param name="sideToMove">The colour of the player to move.</param>
    public OthelloBoard(ulong mine, ulong theirs, OthelloColor sideToMove)
    {
        if ((mine & theirs) != 0)
            throw new ArgumentException($"squares {string.Join(' ', OthelloSquare.ToNames(mine & theirs))} hold both colours");
        if (sideToMove is not (OthelloColor.Black or OthelloColor.White)) throw new ArgumentOutOfRangeException(nameof(sideToMove));
        Mine = mine;
        Theirs = theirs;
        SideToMove = sideToMove;
    }

    /// <summary>Creates a position from absolute black and white bitboards.</summary>
    /// <param name="black">Black discs.</param>
    /// <param name="white">White discs.</param>
    /// <param name="sideToMove">The colour of the player to move.</param>
    public static OthelloBoard FromColors(ulong black, ulong white, OthelloColor sideToMove) =>
        sideToMove == OthelloColor.Black ? new OthelloBoard(black, white, sideToMove) : new OthelloBoard(white, black, sideToMove);

    /// <summary>The standard start: white d4 and e5, black d5 and e4, black to move.</summary>
    public static OthelloBoard Start { get; } = FromColors(
        OthelloSquare.Bits("d5", "e4"), OthelloSquare.Bits("d4", "e5"), OthelloColor.Black);

    /// <summary>Discs of the player to move.</summary>
    public ulong Mine { get; }

    /// <summary>Discs of the opponent of the player to move.</summary>
    public ulong Theirs { get; }

    /// <summary>The colour of the player to move.</summary>
    public OthelloColor SideToMove { get; }

    /// <summary>Black discs.</summary>
    public ulong Black => SideToMove == OthelloColor.Black ? Mine : Theirs;

    /// <summary>White discs.</summary>
    public ulong White => SideToMove == OthelloColor.Black ? Theirs : Mine;

    /// <summary>Empty squares.</summary>
    public ulong Empty => ~(Mine | Theirs);

    /// <summary>Number of black discs.</summary>
    public int BlackCount => BitOperations.PopCount(Black);

    /// <summary>Number of white discs.</summary>
    public int WhiteCount => BitOperations.PopCount(White);

    /// <summary>Number of empty squares.</summary>
    public int EmptyCount => BitOperations.PopCount(Empty);

    /// <summary>The legal moves of the player to move.</summary>
    public ulong LegalMoves => GenerateMoves(Mine, Theirs);

    /// <summary>Whether the player to move has no legal move but the opponent has one (the player must pass).</summary>
    public bool MustPass => GenerateMoves(Mine, Theirs) == 0 && GenerateMoves(Theirs, Mine) != 0;

    /// <summary>Whether neither player has a legal move.</summary>
    public bool IsGameOver => GenerateMoves(Mine, Theirs) == 0 && GenerateMoves(Theirs, Mine) == 0;

    /// <summary>The result by disc count (meaningful when <see cref="IsGameOver"/>; otherwise the current lead).</summary>
    public OthelloOutcome Outcome => (OthelloOutcome)Math.Sign(BlackCount - WhiteCount);

    /// <summary>The colour on a square, or null when it is empty.</summary>
    /// <param name="square">Square index 0..63.</param>
    public OthelloColor? ColorAt(int square)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(square);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(square, 63);
        ulong bit = 1UL << square;
        if ((Black & bit) != 0) return OthelloColor.Black;
        if ((White & bit) != 0) return OthelloColor.White;
        return null;
    }

    /// <summary>Whether the player to move may play on a square.</summary>
    /// <param name="square">Square index 0..63.</param>
    public bool IsLegal(int square) => (uint)square < 64 && (LegalMoves & (1UL << square)) != 0;

    /// <summary>The opponent discs a move on <paramref name="square"/> would flip (0 when the move is illegal).</summary>
    /// <param name="square">Square index 0..63.</param>
    public ulong FlipsOf(int square) => (uint)square < 64 && (Empty & (1UL << square)) != 0 ? ComputeFlips(Mine, Theirs, square) : 0;

    /// <summary>Plays a legal move; the opponent is to move in the result (who may then have to pass).</summary>
    /// <param name="square">Square index 0..63.</param>
    /// <exception cref="InvalidOperationException">The move is illegal.</exception>
    public OthelloBoard Play(int square)
    {
        ulong flips = FlipsOf(square);
        if (flips == 0)
            throw new InvalidOperationException($"{((uint)square < 64 ? OthelloSquare.Name(square) : square.ToString())} is not a legal move for {SideToMove.Name()}");
        return PlayUnchecked(square, flips);
    }

    /// <summary>Plays a move whose flips are already known and non-zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal OthelloBoard PlayUnchecked(int square, ulong flips) =>
        new(Theirs ^ flips, Mine | flips | (1UL << square), SideToMove.Opponent(), trusted: true);

    private OthelloBoard(ulong mine, ulong theirs, OthelloColor sideToMove, bool trusted)
    {
        _ = trusted;
        Mine = mine;
        Theirs = theirs;
        SideToMove = sideToMove;
    }

    /// <summary>Passes: the opponent is to move on the same discs.</summary>
    /// <exception cref="InvalidOperationException">The player to move has a legal move.</exception>
    public OthelloBoard Pass()
    {
        if (LegalMoves != 0) throw new InvalidOperationException($"{SideToMove.Name()} has a legal move and may not pass");
        return new OthelloBoard(Theirs, Mine, SideToMove.Opponent(), trusted: true);
    }

    /// <summary>Legal moves of <paramref name="player"/> against <paramref name="opponent"/> (shift-and-mask flood fill in 8 directions).</summary>
    /// <param name="player">Discs of the player to move.</param>
    /// <param name="opponent">Discs of the opponent.</param>
    public static ulong GenerateMoves(ulong player, ulong opponent)
    {
        ulong empty = ~(player | opponent);
        ulong inner = opponent & NotEdgeFiles;
        return Direction(player, inner, empty, 1) | Direction(player, inner, empty, -1)
             | Direction(player, opponent, empty, 8) | Direction(player, opponent, empty, -8)
             | Direction(player, inner, empty, 7) | Direction(player, inner, empty, -7)
             | Direction(player, inner, empty, 9) | Direction(player, inner, empty, -9);
    }

    /// <summary>The opponent discs flipped when <paramref name="player"/> plays on an empty <paramref name="square"/> (0 when illegal).</summary>
    /// <param name="player">Discs of the player to move.</param>
    /// <param name="opponent">Discs of the opponent.</param>
    /// <param name="square">Square index 0..63, which must be empty.</param>
    public static ulong ComputeFlips(ulong player, ulong opponent, int square)
    {
        ulong move = 1UL << square;
        ulong inner = opponent & NotEdgeFiles;
        return Ray(move, player, inner, 1) | Ray(move, player, inner, -1)
             | Ray(move, player, opponent, 8) | Ray(move, player, opponent, -8)
             | Ray(move, player, inner, 7) | Ray(move, player, inner, -7)
             | Ray(move, player, inner, 9) | Ray(move, player, inner, -9);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Shift(ulong bits, int by) => by > 0 ? bits << by : bits >> -by;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Direction(ulong player, ulong mask, ulong empty, int by)
    {
        ulong t = Shift(player, by) & mask;
        t |= Shift(t, by) & mask;
        t |= Shift(t, by) & mask;
        t |= Shift(t, by) & mask;
        t |= Shift(t, by) & mask;
        t |= Shift(t, by) & mask;
        return Shift(t, by) & empty;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Ray(ulong move, ulong player, ulong mask, int by)
    {
        ulong flips = 0;
        ulong x = Shift(move, by) & mask;
        while (x != 0)
        {
            flips |= x;
            x = Shift(x, by);
            if ((x & player) != 0) return flips;
            x &= mask;
        }
        return 0;
    }

    /// <inheritdoc/>
    public bool Equals(OthelloBoard other) => Mine == other.Mine && Theirs == other.Theirs && SideToMove == other.SideToMove;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is OthelloBoard other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mine, Theirs, SideToMove);

    /// <summary>Whether two positions are equal (same discs, same side to move).</summary>
    public static bool operator ==(OthelloBoard left, OthelloBoard right) => left.Equals(right);

    /// <summary>Whether two positions differ.</summary>
    public static bool operator !=(OthelloBoard left, OthelloBoard right) => !left.Equals(right);

    /// <summary>
    /// A diagram: ranks 8 down to 1, files a..h, 'X' black, 'O' white, '.' empty, '*' a legal move, then the side to move.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        ulong legal = LegalMoves;
        for (int rank = 7; rank >= 0; rank--)
        {
            text.Append((char)('1' + rank)).Append(' ');
            for (int file = 0; file < 8; file++)
            {
                int sq = rank * 8 + file;
                ulong bit = 1UL << sq;
                text.Append((Black & bit) != 0 ? 'X' : (White & bit) != 0 ? 'O' : (legal & bit) != 0 ? '*' : '.');
            }
            text.Append('\n');
        }
        text.Append("  abcdefgh ").Append(SideToMove.Name()).Append(" to move");
        return text.ToString();
    }
}
