using SharpSight.Evals.Dictionaries.Core;
using static SharpSight.Evals.Tests.Dictionaries.Core.PlainReference;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.Core;

public class DownstreamLossStatisticsTests
{
    // One sequence of three tokens over a vocabulary of two; logits are log probabilities (plus offsets, which softmax ignores).
    private static readonly long[] Ids = [0, 1, 0];
    private static readonly double[][] Clean = [[0.5, 0.5], [0.25, 0.75], [0.5, 0.5]];
    private static readonly double[][] WithDictionary = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]];
    private static readonly double[][] Ablated = [[0.75, 0.25], [0.75, 0.25], [0.5, 0.5]];

    private static Tensor Logits(double[][] probabilities, double offset) =>
        tensor(probabilities.SelectMany(p => p.Select(v => (float)(Math.Log(v) + offset))).ToArray(), 1, probabilities.Length, 2);

    [Fact]
    public void Cross_entropies_kl_divergences_and_scores_have_their_hand_values()
    {
        using var scope = NewDisposeScope();
        var s = new DownstreamLossStatistics();
        s.Add(Logits(Clean, 1.0), Logits(WithDictionary, -2.0), Logits(Ablated, 0.5), tensor(Ids, 1, 3));

        // Position t predicts Ids[t + 1]: positions 0 and 1 only.
        double ceClean = (-Math.Log(0.5) - Math.Log(0.25)) / 2;
        double ceDictionary = (-Math.Log(0.5) - Math.Log(0.5)) / 2;
        double ceAblated = (-Math.Log(0.25) - Math.Log(0.75)) / 2;
        // KL(clean ‖ edited) at all three positions.
        double klDictionary = (0 + (0.25 * Math.Log(0.25 / 0.5) + 0.75 * Math.Log(0.75 / 0.5)) + 0) / 3;
        double klAblated = ((0.5 * Math.Log(0.5 / 0.75) + 0.5 * Math.Log(0.5 / 0.25))
            + (0.25 * Math.Log(0.25 / 0.75) + 0.75 * Math.Log(0.75 / 0.25)) + 0) / 3;

        Assert.Equal(2, s.PredictedTokens);
        Assert.Equal(3, s.Positions);
        Close(ceClean, s.CrossEntropyClean, 1e-6);
        Close(ceDictionary, s.CrossEntropyWithDictionary, 1e-6);
        Close(ceAblated, s.CrossEntropyWithAblation, 1e-6);
        Close(klDictionary, s.KlWithDictionary, 1e-5);
        Close(klAblated, s.KlWithAblation, 1e-5);
        Close((ceAblated - ceDictionary) / (ceAblated - ceClean), s.CrossEntropyScore, 1e-5);
        Close((klAblated - klDictionary) / klAblated, s.KlScore, 1e-5);
    }

    [Fact]
    public void Means_are_over_all_tokens_of_all_batches_and_match_a_plain_computation()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        Tensor clean = randn([4, 5, 7], generator: generator, dtype: ScalarType.Float64);
        Tensor dictionary = clean + 0.3 * randn([4, 5, 7], generator: generator, dtype: ScalarType.Float64);
        Tensor ablated = randn([4, 5, 7], generator: generator, dtype: ScalarType.Float64);
        Tensor ids = randint(0, 7, [4, 5], generator: generator, dtype: ScalarType.Int64);

        var whole = new DownstreamLossStatistics();
        whole.Add(clean, dictionary, ablated, ids);
        var split = new DownstreamLossStatistics();
        split.Add(clean[..1], dictionary[..1], ablated[..1], ids[..1]);
        split.Add(clean[1..], dictionary[1..], ablated[1..], ids[1..]);

        double[][][] c = Array3(clean), d = Array3(dictionary), a = Array3(ablated);
        long[][] tokens = [.. Enumerable.Range(0, 4).Select(b => ids[b].data<long>().ToArray())];
        foreach (DownstreamLossStatistics s in new[] { whole, split })
        {
            Assert.Equal(16, s.PredictedTokens);
            Assert.Equal(20, s.Positions);
            Close(CrossEntropy(c, tokens), s.CrossEntropyClean);
            Close(CrossEntropy(d, tokens), s.CrossEntropyWithDictionary);
            Close(CrossEntropy(a, tokens), s.CrossEntropyWithAblation);
            Close(Kl(c, d), s.KlWithDictionary);
            Close(Kl(c, a), s.KlWithAblation);
        }
    }

    [Fact]
    public void Identical_logits_score_one()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(4);
        Tensor clean = randn([2, 6, 9], generator: generator), ablated = randn([2, 6, 9], generator: generator);
        var s = new DownstreamLossStatistics();
        s.Add(clean, clean.clone(), ablated, randint(0, 9, [2, 6], generator: generator, dtype: ScalarType.Int64));
        Assert.Equal(0, s.KlWithDictionary, 12);
        Assert.Equal(1, s.KlScore, 12);
        Assert.Equal(1, s.CrossEntropyScore, 12);
    }

    [Fact]
    public void Bad_shapes_are_refused()
    {
        using var scope = NewDisposeScope();
        var s = new DownstreamLossStatistics();
        Assert.Contains("pos ≥ 2", Assert.Throws<ArgumentException>(() => s.Add(zeros(1, 1, 3), zeros(1, 1, 3), zeros(1, 1, 3), zeros(1, 1, ScalarType.Int64))).Message);
        Assert.Contains("ablatedLogits must be [1, 2, vocab]", Assert.Throws<ArgumentException>(() => s.Add(zeros(1, 2, 3), zeros(1, 2, 3), zeros(1, 3, 3), zeros(1, 2, ScalarType.Int64))).Message);
        Assert.Contains("dictionaryLogits must be [1, 2, 3]", Assert.Throws<ArgumentException>(() => s.Add(zeros(1, 2, 3), zeros(1, 2, 4), zeros(1, 2, 3), zeros(1, 2, ScalarType.Int64))).Message);
    }

    private static double[][][] Array3(Tensor t) =>
        [.. Enumerable.Range(0, (int)t.shape[0]).Select(b => Enumerable.Range(0, (int)t.shape[1]).Select(p => t[b, p].data<double>().ToArray()).ToArray())];
}
