using SharpSight.Evals.Dictionaries.Core;
using static SharpSight.Evals.Tests.Dictionaries.Core.PlainReference;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.Core;

public class FeatureDensityStatisticsTests
{
    // Two sequences of three tokens, five features. Feature 1 is negative once (not a firing); features 1 and 4 are dead.
    private static readonly float[,,] Small =
    {
        { { 1, 0, 0, 0.5f, 0 }, { 2, 0, 0, 0, 0 }, { 0, 0, 3, 0, 0 } },
        { { 0, 0, 0, 0, 0 }, { 1, 0, 0, 0.2f, 0 }, { 0, -0.5f, 0, 0.1f, 0 } },
    };

    private static Tensor Features(float[,,] values) => tensor(values);

    [Fact]
    public void Densities_and_the_consistent_activation_heuristic_count_tokens_and_sequences()
    {
        using var scope = NewDisposeScope();
        var s = new FeatureDensityStatistics(5);
        s.Add(Features(Small));
        Assert.Equal(6, s.Tokens);
        Assert.Equal(2, s.Sequences);
        Assert.Equal([3L, 0, 1, 3, 0], s.Firings);
        Assert.Equal([2L, 0, 1, 2, 0], s.SequencesFiring);
        Assert.Equal([0.5, 0, 1.0 / 6, 0.5, 0], s.Densities());
        double[] heuristic = s.ConsistentActivationHeuristic();
        Assert.Equal(1.5, heuristic[0]);
        Assert.True(double.IsNaN(heuristic[1]) && double.IsNaN(heuristic[4]));
        Assert.Equal(1.0, heuristic[2]);
        Assert.Equal(1.5, heuristic[3]);
        Assert.Equal(3.0 / 5, s.FracAlive);
    }

    [Fact]
    public void Splitting_a_batch_by_sequences_changes_nothing()
    {
        using var scope = NewDisposeScope();
        Tensor all = Features(Small);
        var whole = new FeatureDensityStatistics(5);
        whole.Add(all);
        var split = new FeatureDensityStatistics(5);
        split.Add(all[..1]);
        split.Add(all[1..]);
        Assert.Equal(whole.Firings, split.Firings);
        Assert.Equal(whole.SequencesFiring, split.SequencesFiring);
        Assert.Equal(whole.Tokens, split.Tokens);
    }

    // 200 tokens; feature 0 fires once (0.5%), feature 1 ten times (5%), feature 2 fifty times (25%), feature 3 never.
    private static FeatureDensityStatistics Graded(out int[] firings)
    {
        firings = [1, 10, 50, 0];
        var values = new float[10, 20, 4];
        for (int f = 0; f < 4; f++)
            for (int n = 0; n < firings[f]; n++)
            {
                int token = n * 4 + f;   // distinct tokens for n < 50, spread over the ten sequences
                values[token / 20, token % 20, f] = 1;
            }
        var s = new FeatureDensityStatistics(4);
        using var scope = NewDisposeScope();
        s.Add(tensor(values));
        return s;
    }

    [Fact]
    public void Frequency_shares_and_their_normalized_variants_match_plain_counts()
    {
        FeatureDensityStatistics s = Graded(out int[] firings);
        Assert.Equal(firings.Select(n => (long)n), s.Firings);
        double[] densities = [.. firings.Select(n => n / 200.0)];
        Assert.Equal(3.0 / 4, s.FracAlive);
        Assert.Equal(2.0 / 4, s.FreqOver1Percent);
        Assert.Equal(1.0 / 4, s.FreqOver10Percent);
        Close((densities[1] + densities[2]) / densities.Sum(), s.NormalizedFreqOver1Percent);
        Close(densities[2] / densities.Sum(), s.NormalizedFreqOver10Percent);
        var empty = new FeatureDensityStatistics(3);
        Assert.Equal(0, empty.NormalizedFreqOver1Percent);
        Assert.Equal(0, empty.FracAlive);
    }

    [Fact]
    public void The_histogram_puts_each_alive_feature_in_the_bin_holding_its_log_density_and_counts_the_dead()
    {
        FeatureDensityStatistics s = Graded(out int[] firings);
        DensityHistogram histogram = s.Histogram(bins: 10);
        Assert.Equal(11, histogram.Log10Edges.Count);
        Assert.Equal(10, histogram.Counts.Count);
        Close(Math.Log10(1.0 / 200), histogram.Log10Edges[0]);
        Assert.Equal(0, histogram.Log10Edges[^1]);
        Assert.True(histogram.Log10Edges.Zip(histogram.Log10Edges.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(1, histogram.Dead);
        Assert.Equal(3, histogram.Counts.Sum());

        var expected = new long[10];
        foreach (int n in firings.Where(n => n > 0))
        {
            double log = Math.Log10(n / 200.0);
            expected[Enumerable.Range(0, 10).Single(b => histogram.Log10Edges[b] <= log && log < histogram.Log10Edges[b + 1])]++;
        }
        Assert.Equal(expected, histogram.Counts);
    }

    [Fact]
    public void A_feature_firing_everywhere_falls_in_the_last_bin()
    {
        using var scope = NewDisposeScope();
        var s = new FeatureDensityStatistics(2);
        s.Add(tensor(new float[,,] { { { 1, 0 }, { 1, 1 } } }));
        DensityHistogram histogram = s.Histogram(bins: 4);
        Assert.Equal(1, histogram.Counts[^1]);   // density 1: log10 = 0, the closed right edge
        Assert.Equal(2, histogram.Counts.Sum());
        Assert.Equal(0, histogram.Dead);
    }

    [Fact]
    public void Features_of_the_wrong_width_are_refused()
    {
        using var scope = NewDisposeScope();
        var s = new FeatureDensityStatistics(5);
        Assert.Contains("features must be [sequences, tokens, 5]", Assert.Throws<ArgumentException>(() => s.Add(zeros(2, 3, 4))).Message);
        Assert.Contains("features must be [sequences, tokens, 5]", Assert.Throws<ArgumentException>(() => s.Add(zeros(6, 5))).Message);
    }
}
