using System.Numerics;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>Board properties packed as one bit set per position (64 properties per word), for fast counting.</summary>
internal sealed class PropertyBits
{
    private readonly ulong[] _bits;

    private PropertyBits(int rows, int count, ulong[] bits, ulong[] scored)
    {
        Rows = rows;
        Count = count;
        Words = (count + 63) / 64;
        _bits = bits;
        ScoredMask = scored;
        Positives = new long[count];
        for (int r = 0; r < rows; r++) ForEach(Row(r), g => Positives[g]++);
    }

    public int Rows { get; }

    public int Count { get; }

    public int Words { get; }

    /// <summary>The scored properties as a bit set.</summary>
    public ulong[] ScoredMask { get; }

    /// <summary>Whether property <paramref name="property"/> is scored.</summary>
    public bool IsScored(int property) => (ScoredMask[property / 64] & (1UL << (property % 64))) != 0;

    /// <summary>Per property, the positions where it holds.</summary>
    public long[] Positives { get; }

    public ReadOnlySpan<ulong> Row(int row) => _bits.AsSpan(row * Words, Words);

    public static PropertyBits From(BoardProperties properties) => Pack(properties.Values, properties.Scored, "properties");

    /// <summary>Packs a [rows, count] bool tensor.</summary>
    public static PropertyBits Pack(Tensor values, IReadOnlyList<bool> scored, string what)
    {
        if (values.dim() != 2 || values.shape[1] != scored.Count)
            throw new ArgumentException($"{what} must be [positions, {scored.Count}], got [{string.Join(", ", values.shape)}]");
        int rows = checked((int)values.shape[0]), count = scored.Count, words = (count + 63) / 64;
        bool[] flags;
        using (Tensor flat = values.to(ScalarType.Bool).cpu().contiguous()) flags = flat.data<bool>().ToArray();
        var bits = new ulong[(long)rows * words];
        for (int r = 0; r < rows; r++)
            for (int g = 0; g < count; g++)
                if (flags[(long)r * count + g]) bits[(long)r * words + g / 64] |= 1UL << (g % 64);
        var mask = new ulong[words];
        for (int g = 0; g < count; g++)
            if (scored[g]) mask[g / 64] |= 1UL << (g % 64);
        return new PropertyBits(rows, count, bits, mask);
    }

    /// <summary>Calls <paramref name="action"/> with every property in a bit set.</summary>
    public static void ForEach(ReadOnlySpan<ulong> set, Action<int> action)
    {
        for (int w = 0; w < set.Length; w++)
            for (ulong bits = set[w]; bits != 0; bits &= bits - 1) action(w * 64 + BitOperations.TrailingZeroCount(bits));
    }

    /// <summary>|a ∧ b ∧ mask|.</summary>
    public static int CountAnd(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ReadOnlySpan<ulong> mask)
    {
        int n = 0;
        for (int w = 0; w < a.Length; w++) n += BitOperations.PopCount(a[w] & b[w] & mask[w]);
        return n;
    }

    /// <summary>|a ∧ mask|.</summary>
    public static int CountAnd(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> mask)
    {
        int n = 0;
        for (int w = 0; w < a.Length; w++) n += BitOperations.PopCount(a[w] & mask[w]);
        return n;
    }
}
