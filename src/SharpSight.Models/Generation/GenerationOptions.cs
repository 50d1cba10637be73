namespace SharpSight.Models.Generation;

/// <summary>How to generate. The defaults are greedy decoding of up to 64 tokens with the KV cache.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most new tokens per sequence.</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Softmax temperature; 0 means greedy (argmax).</summary>
    public double Temperature { get; init; }

    /// <summary>Keep only the k most likely tokens before sampling (null or 0 = all).</summary>
    public int? TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of most likely tokens whose probability reaches p (null or 1 = all).</summary>
    public double? TopP { get; init; }

    /// <summary>
    /// Hugging Face's repetition penalty: logits of tokens already in the sequence (prompt included) are divided by it
    /// when positive and multiplied by it when negative. 1 = off.
    /// </summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>OpenAI-style frequency penalty: subtracts penalty × (times the token was generated so far). 0 = off.</summary>
    public double FrequencyPenalty { get; init; }

    /// <summary>Ids that end a sequence (the tokenizer's EOS is added unless <see cref="IgnoreEos"/>). The stop id is kept in the output.</summary>
    public IReadOnlyList<int> StopTokens { get; init; } = [];

    /// <summary>Texts that end a sequence when they appear in the generated text; the text is cut before them.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Do not stop at the tokenizer's end-of-sequence id.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Seed of the sampler; the same seed, prompt and options give the same tokens. Each sequence of a batch uses it
    /// independently, so a sequence samples the same in a batch as alone.</summary>
    public ulong Seed { get; init; }

    /// <summary>Reuse keys and values of earlier positions (true) or recompute the whole sequence each step (false).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Checks the numbers; throws <see cref="ArgumentException"/> naming the option.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 0) throw new ArgumentException($"max new tokens must be ≥ 0, got {MaxNewTokens}");
        if (!(Temperature >= 0) || double.IsInfinity(Temperature)) throw new ArgumentException($"temperature must be ≥ 0, got {Temperature}");
        if (TopK is < 0) throw new ArgumentException($"top-k must be ≥ 0, got {TopK}");
        if (TopP is { } p && !(p > 0 && p <= 1)) throw new ArgumentException($"top-p must be in (0, 1], got {p}");
        if (!(RepetitionPenalty > 0)) throw new ArgumentException($"repetition penalty must be > 0, got {RepetitionPenalty}");
        if (double.IsNaN(FrequencyPenalty)) throw new ArgumentException("frequency penalty is NaN");
    }
}
