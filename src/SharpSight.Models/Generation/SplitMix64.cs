namespace SharpSight.Models.Generation;

/// <summary>
/// A tiny seeded random number generator (SplitMix64). Ours rather than System.Random so that a seed reproduces the
/// same samples on every .NET version and platform.
/// </summary>
public sealed class SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence from a seed.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
