namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>
/// Hugging Face's TemplateProcessing for a single sequence: special tokens put before and after the encoded text (e.g.
/// Llama's "&lt;s&gt; $A"). Read from a tokenizer.json post-processor, or built from tokenizer_config.json's
/// add_bos_token / add_eos_token.
/// </summary>
internal sealed record Template(IReadOnlyList<(int Id, string Token)> Before, IReadOnlyList<(int Id, string Token)> After)
{
    public static Template Empty { get; } = new([], []);

    /// <summary>"[BOS] $A [EOS]" with whichever of the two ids is given.</summary>
    public static Template BosEos(int? bos, int? eos, Func<int, string> tokenOf) =>
        new(bos is int b ? [(b, tokenOf(b))] : [], eos is int e ? [(e, tokenOf(e))] : []);

    /// <summary>
    /// Wraps <paramref name="tokens"/>; the added tokens have empty spans, at 0 before the text and at
    /// <paramref name="afterOffset"/> after it.
    /// </summary>
    public void Apply(List<(int Id, string Token, int Start, int End)> tokens, int afterOffset)
    {
        if (Before.Count > 0) tokens.InsertRange(0, Before.Select(t => (t.Id, t.Token, 0, 0)));
        foreach (var (id, token) in After) tokens.Add((id, token, afterOffset, afterOffset));
    }
}
