using SharpSight.Models.Generation;

namespace SharpSight.Games.Chess.Datasets;

/// <summary>Uniform integer draws from the shared <see cref="SplitMix64"/>, so a seed means the same games on every platform.</summary>
internal static class SeededDraws
{
    /// <summary>Uniform in [0, bound) by Lemire's multiply-and-reject (no modulo bias).</summary>
    public static int Below(this SplitMix64 random, int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong product = (random.NextUInt64() >> 32) * (ulong)bound;
        uint low = (uint)product;
        if (low < (uint)bound)
        {
            uint threshold = (0u - (uint)bound) % (uint)bound;
            while (low < threshold)
            {
                product = (random.NextUInt64() >> 32) * (ulong)bound;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>Uniform in [min, max] (both included).</summary>
    public static int Between(this SplitMix64 random, int min, int max) => min + random.Below(max - min + 1);
}
