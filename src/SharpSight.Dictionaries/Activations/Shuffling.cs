using SharpSight.Models.Generation;

namespace SharpSight.Dictionaries.Activations;

/// <summary>Seeded, platform-independent shuffles: one SplitMix64 stream per (seed, purpose, index).</summary>
internal static class Shuffling
{
    public const ulong ChunkTag = 0x43484E4B;   // "CHNK": the permutation of a chunk
    public const ulong RoundTag = 0x524F4E44;   // "ROND": the serving order of a round

    /// <summary>A generator for one (seed, tag, index), independent of every other index: no state carries over.</summary>
    public static SplitMix64 For(ulong seed, ulong tag, long index)
    {
        ulong a = new SplitMix64(seed).NextUInt64() ^ tag * 0x9E3779B97F4A7C15UL;
        ulong b = new SplitMix64(a).NextUInt64() ^ (ulong)index * 0xD6E8FEB86659FD93UL;
        return new SplitMix64(b);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public static void Shuffle<T>(Span<T> items, SplitMix64 random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)Math.BigMul(random.NextUInt64(), (ulong)(i + 1), out _);   // uniform in [0, i]; bias below 2^-32
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
