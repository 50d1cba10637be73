using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// Per-feature firing counts over batches of features [B, T, F] (B sequences of T tokens), and SAEBench's density
/// metrics from them. A feature fires at a token where its value is &gt; 0 (as SAEBench's density; l0 counts ≠ 0, the
/// same for the non-negative features of every architecture here).
/// </summary>
/// <remarks>
/// Definitions (n_i = tokens where feature i fired, s_i = sequences where it fired at least once, N = tokens seen):
/// <list type="bullet">
/// <item><c>feature_density</c> d_i = n_i / N.</item>
/// <item><c>consistent_activation_heuristic</c> = n_i / s_i, the mean number of firing tokens per sequence it fires in
/// (NaN for a feature that never fired; SAEBench writes −1, the contract null).</item>
/// <item><c>frac_alive</c> = #{d_i &gt; 0} / F; <c>freq_over_1_percent</c> = #{d_i &gt; 0.01} / F;
/// <c>freq_over_10_percent</c> = #{d_i &gt; 0.1} / F.</item>
/// <item><c>normalized_freq_over_1_percent</c> = Σ_{d_i &gt; 0.01} d_i / Σ_i d_i, the share of all firings made by the
/// features denser than 1% (0 when nothing fired); likewise for 10%.</item>
/// </list>
/// </remarks>
public sealed class FeatureDensityStatistics
{
    private readonly long[] _firings, _sequencesFiring;

    /// <summary>Empty counts for <paramref name="width"/> features.</summary>
    public FeatureDensityStatistics(int width)
    {
        if (width <= 0) throw new ArgumentException($"width must be positive, got {width}", nameof(width));
        _firings = new long[width];
        _sequencesFiring = new long[width];
    }

    /// <summary>Number of features F.</summary>
    public int Width => _firings.Length;

    /// <summary>Tokens seen (N).</summary>
    public long Tokens { get; private set; }

    /// <summary>Sequences seen.</summary>
    public long Sequences { get; private set; }

    /// <summary>Tokens at which each feature fired (n_i).</summary>
    public IReadOnlyList<long> Firings => _firings;

    /// <summary>Sequences in which each feature fired at least once (s_i).</summary>
    public IReadOnlyList<long> SequencesFiring => _sequencesFiring;

    /// <summary>Adds the features of one batch [B, T, F] (not disposed).</summary>
    public void Add(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 3 || features.shape[2] != Width)
            throw new ArgumentException($"features must be [sequences, tokens, {Width}], got [{string.Join(", ", features.shape)}]", nameof(features));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor fired = features.detach().cpu().gt(0);
        long[] firings = fired.sum([0L, 1L], type: ScalarType.Int64).data<long>().ToArray();
        long[] sequences = fired.any(1L).sum(0L, type: ScalarType.Int64).data<long>().ToArray();
        for (int i = 0; i < Width; i++)
        {
            _firings[i] += firings[i];
            _sequencesFiring[i] += sequences[i];
        }
        Tokens += features.shape[0] * features.shape[1];
        Sequences += features.shape[0];
    }

    /// <summary>d_i = n_i / N per feature.</summary>
    public double[] Densities() => [.. _firings.Select(n => (double)n / Tokens)];

    /// <summary>n_i / s_i per feature (NaN where it never fired).</summary>
    public double[] ConsistentActivationHeuristic() =>
        [.. _firings.Zip(_sequencesFiring, (n, s) => s == 0 ? double.NaN : (double)n / s)];

    /// <summary>Share of features that fired at least once.</summary>
    public double FracAlive => ShareDenserThan(0);

    /// <summary>Share of features with density &gt; 1%.</summary>
    public double FreqOver1Percent => ShareDenserThan(0.01);

    /// <summary>Share of features with density &gt; 10%.</summary>
    public double FreqOver10Percent => ShareDenserThan(0.1);

    /// <summary>Σ of the densities &gt; 1% over Σ of all densities (0 when nothing fired).</summary>
    public double NormalizedFreqOver1Percent => DensityShareAbove(0.01);

    /// <summary>Σ of the densities &gt; 10% over Σ of all densities (0 when nothing fired).</summary>
    public double NormalizedFreqOver10Percent => DensityShareAbove(0.1);

    /// <summary>
    /// Histogram of log10 d_i over alive features, in <paramref name="bins"/> equal bins from log10(1/N) (the least possible
    /// non-zero density; at most −1) to 0, so the edges depend only on the token count and runs over the same tokens share
    /// them.
    /// </summary>
    public DensityHistogram Histogram(int bins = 40)
    {
        if (bins <= 0) throw new ArgumentException($"bins must be positive, got {bins}", nameof(bins));
        double low = -Math.Max(Math.Log10(Math.Max(Tokens, 1)), 1);
        double[] edges = [.. Enumerable.Range(0, bins + 1).Select(i => low + (0 - low) * i / bins)];
        edges[bins] = 0;
        var counts = new long[bins];
        long dead = 0;
        foreach (double density in Densities())
        {
            if (!(density > 0))
            {
                dead++;
                continue;
            }
            // Clamped: log10(n/N) can round a hair outside [low, 0] at the ends.
            int bin = (int)Math.Floor((Math.Log10(density) - low) / (0 - low) * bins);
            counts[Math.Clamp(bin, 0, bins - 1)]++;
        }
        return new DensityHistogram(edges, counts, dead);
    }

    private double ShareDenserThan(double threshold) => (double)Densities().Count(d => d > threshold) / Width;

    private double DensityShareAbove(double threshold)
    {
        double[] densities = Densities();
        double total = densities.Sum();
        return total > 0 ? densities.Where(d => d > threshold).Sum() / total : 0;
    }
}
