namespace SharpSight.Games.Othello;

/// <summary>
/// Square indices and names. Index = rank * 8 + file, with file a..h = 0..7 and rank 1..8 = 0..7, so a1 = 0, h1 = 7,
/// a8 = 56 and h8 = 63; bit <c>i</c> of a bitboard is square <c>i</c>. Names are lower-case "a1".."h8", as in the
/// championship transcripts.
/// </summary>
public static class OthelloSquare
{
    /// <summary>Number of squares on the board.</summary>
    public const int Count = 64;

    private static readonly string[] Names = Enumerable.Range(0, Count)
        .Select(i => string.Create(2, i, static (span, sq) => { span[0] = (char)('a' + (sq & 7)); span[1] = (char)('1' + (sq >> 3)); }))
        .ToArray();

    /// <summary>The name of a square index, e.g. 37 → "f5".</summary>
    /// <param name="square">Square index 0..63.</param>
    public static string Name(int square)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(square);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(square, Count);
        return Names[square];
    }

    /// <summary>The index of a file (0..7) and rank (0..7).</summary>
    /// <param name="file">File 0..7 (a..h).</param>
    /// <param name="rank">Rank 0..7 (1..8).</param>
    public static int At(int file, int rank)
    {
        if ((uint)file > 7 || (uint)rank > 7) throw new ArgumentOutOfRangeException(nameof(file), $"file {file}, rank {rank} is off the board");
        return rank * 8 + file;
    }

    /// <summary>Parses a two-character square name ("a1".."h8"; upper-case file letters accepted).</summary>
    /// <param name="text">The text, exactly two characters.</param>
    /// <param name="square">The square index when the text is a square.</param>
    /// <returns>Whether the text names a square.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out int square)
    {
        square = -1;
        if (text.Length != 2) return false;
        int file = char.ToLowerInvariant(text[0]) - 'a';
        int rank = text[1] - '1';
        if ((uint)file > 7 || (uint)rank > 7) return false;
        square = rank * 8 + file;
        return true;
    }

    /// <summary>Parses a square name, throwing <see cref="FormatException"/> when it is not one.</summary>
    /// <param name="text">The text, exactly two characters.</param>
    public static int Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out int square) ? square : throw new FormatException($"'{text}' is not an Othello square (a1..h8)");
    }

    /// <summary>The squares of a bitboard in increasing index order.</summary>
    /// <param name="bits">A bitboard.</param>
    public static int[] ToSquares(ulong bits)
    {
        var result = new int[System.Numerics.BitOperations.PopCount(bits)];
        for (int i = 0; bits != 0; i++, bits &= bits - 1) result[i] = System.Numerics.BitOperations.TrailingZeroCount(bits);
        return result;
    }

    /// <summary>The names of the squares of a bitboard in increasing index order, e.g. "d3 c4".</summary>
    /// <param name="bits">A bitboard.</param>
    public static string[] ToNames(ulong bits) => ToSquares(bits).Select(Name).ToArray();

    /// <summary>The bitboard of a set of square names.</summary>
    /// <param name="names">Square names.</param>
    public static ulong Bits(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ulong bits = 0;
        foreach (string name in names) bits |= 1UL << Parse(name);
        return bits;
    }
}
