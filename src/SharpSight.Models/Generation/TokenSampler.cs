namespace SharpSight.Models.Generation;

/// <summary>
/// Picks the next token of one sequence from its logits, applying Hugging Face's logits processors in their order
/// (repetition penalty, then the frequency penalty, temperature, top-k, top-p), in float64 on the CPU.
/// </summary>
public sealed class TokenSampler
{
    private readonly GenerationOptions _options;
    private readonly SplitMix64 _random;
    private readonly HashSet<int> _seen = [];
    private readonly Dictionary<int, int> _generatedCounts = [];

    /// <summary>A sampler for one sequence whose prompt is <paramref name="prompt"/>.</summary>
    public TokenSampler(GenerationOptions options, IEnumerable<int> prompt)
    {
        _options = options;
        _random = new SplitMix64(options.Seed);
        _seen.UnionWith(prompt);
    }

    /// <summary>Chooses the next token and records it (for the penalties).</summary>
    public int Next(ReadOnlySpan<float> logits)
    {
        var scores = new double[logits.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = logits[i];
        ApplyPenalties(scores);
        int token = _options.Temperature == 0 ? ArgMax(scores) : Sample(scores);
        _seen.Add(token);
        _generatedCounts[token] = _generatedCounts.GetValueOrDefault(token) + 1;
        return token;
    }

    private void ApplyPenalties(double[] scores)
    {
        if (_options.RepetitionPenalty != 1.0)
            foreach (int token in _seen)
                scores[token] = scores[token] < 0 ? scores[token] * _options.RepetitionPenalty : scores[token] / _options.RepetitionPenalty;
        if (_options.FrequencyPenalty != 0)
            foreach ((int token, int count) in _generatedCounts)
                scores[token] -= _options.FrequencyPenalty * count;
    }

    // Ties go to the lowest id, as torch.argmax does.
    private static int ArgMax(double[] scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best]) best = i;
        return best;
    }

    private int Sample(double[] scores)
    {
        // Candidates sorted by score, highest first (stable: ties keep id order).
        int[] order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        int keep = order.Length;
        if (_options.TopK is > 0 and var k) keep = Math.Min(keep, k);

        double max = scores[order[0]] / _options.Temperature;
        var probabilities = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) total += probabilities[i] = Math.Exp(scores[order[i]] / _options.Temperature - max);
        for (int i = 0; i < keep; i++) probabilities[i] /= total;

        if (_options.TopP is { } p and < 1.0)
        {
            // HF keeps the smallest prefix whose mass reaches p (always at least one token).
            double mass = 0;
            int prefix = 0;
            while (prefix < keep && mass < p) mass += probabilities[prefix++];
            keep = Math.Max(1, prefix);
            total = probabilities.Take(keep).Sum();
            for (int i = 0; i < keep; i++) probabilities[i] /= total;
        }

        double draw = _random.NextDouble(), cumulative = 0;
        for (int i = 0; i < keep; i++)
        {
            cumulative += probabilities[i];
            if (draw < cumulative) return order[i];
        }
        return order[keep - 1];
    }
}
