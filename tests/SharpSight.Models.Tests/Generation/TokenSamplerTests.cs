using SharpSight.Models.Generation;

namespace SharpSight.Models.Tests.Generation;

public class TokenSamplerTests
{
    private static readonly float[] Logits = [2.0f, 1.0f, 0.0f, -1.0f];

    [Fact]
    public void Greedy_takes_the_argmax_and_the_lowest_id_on_ties()
    {
        Assert.Equal(0, new TokenSampler(new GenerationOptions(), []).Next(Logits));
        Assert.Equal(1, new TokenSampler(new GenerationOptions(), []).Next([0f, 3f, 3f]));
    }

    [Fact]
    public void Sampling_frequencies_follow_the_softmax_at_the_temperature()
    {
        // Temperature 2: p ∝ exp(logit / 2). 40,000 seeded draws; each frequency within 0.01 of its probability.
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 2.0, Seed = 9 }, []);
        var counts = new int[4];
        for (int i = 0; i < 40_000; i++) counts[sampler.Next(Logits)]++;
        double[] weights = Logits.Select(l => Math.Exp(l / 2.0)).ToArray();
        for (int i = 0; i < 4; i++) Assert.InRange(counts[i] / 40_000.0, weights[i] / weights.Sum() - 0.01, weights[i] / weights.Sum() + 0.01);
    }

    [Fact]
    public void Top_k_and_top_p_restrict_the_candidates()
    {
        var topK = new TokenSampler(new GenerationOptions { Temperature = 5.0, TopK = 2, Seed = 1 }, []);
        Assert.All(Enumerable.Range(0, 2000).Select(_ => topK.Next(Logits)), t => Assert.InRange(t, 0, 1));
        // Probabilities at T=1: 0.644, 0.237, 0.087, 0.032. top-p 0.7 keeps {0, 1} (0.644 < 0.7 ≤ 0.881).
        var topP = new TokenSampler(new GenerationOptions { Temperature = 1.0, TopP = 0.7, Seed = 1 }, []);
        var seen = Enumerable.Range(0, 2000).Select(_ => topP.Next(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 0, 1 }, seen);
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens()
    {
        // Prompt contains token 0 (logit 2 → 2/4 = 0.5) and token 3 (-1 → -4). Token 1 (logit 1) wins greedily.
        var sampler = new TokenSampler(new GenerationOptions { RepetitionPenalty = 4.0 }, [0, 3]);
        Assert.Equal(1, sampler.Next(Logits));
        // Now 1 is seen too (1 / 4 = 0.25) and 0 stays at 0.5: token 0 wins.
        Assert.Equal(0, sampler.Next(Logits));
    }

    [Fact]
    public void Frequency_penalty_counts_generated_tokens()
    {
        var sampler = new TokenSampler(new GenerationOptions { FrequencyPenalty = 0.6 }, []);
        Assert.Equal(0, sampler.Next(Logits));   // 2.0
        Assert.Equal(0, sampler.Next(Logits));   // 2.0 - 0.6 = 1.4 > 1.0
        Assert.Equal(1, sampler.Next(Logits));   // 2.0 - 1.2 = 0.8 < 1.0
    }
}
