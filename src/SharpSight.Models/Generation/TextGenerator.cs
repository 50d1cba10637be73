using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;
using static TorchSharp.torch;

namespace SharpSight.Models.Generation;

/// <summary>
/// Autoregressive generation: greedy or sampled, batched with left padding, with or without the KV cache, streaming
/// token by token. Sampling runs per sequence with its own seeded generator, so a sequence comes out the same in a
/// batch as alone.
/// </summary>
public sealed class TextGenerator
{
    private readonly TransformerModel _model;
    private readonly ITokenizer _tokenizer;

    /// <summary>A generator over a model and its tokenizer.</summary>
    public TextGenerator(TransformerModel model, ITokenizer tokenizer)
    {
        _model = model;
        _tokenizer = tokenizer;
    }

    /// <summary>Generates from a text prompt (encoded with the tokenizer's special tokens, e.g. BOS).</summary>
    /// <param name="prompt">Prompt text.</param>
    /// <param name="options">Generation options.</param>
    /// <param name="onText">Receives new text as it is produced (streaming), or null.</param>
    public GenerationResult Generate(string prompt, GenerationOptions options, Action<string>? onText = null)
    {
        IReadOnlyList<int> ids = _tokenizer.Encode(prompt).Ids;
        return Generate([ids], options, onText is null ? null : (_, text) => onText(text))[0];
    }

    /// <summary>Generates from a batch of token-id prompts.</summary>
    /// <param name="prompts">One id list per sequence (at least one token each).</param>
    /// <param name="options">Generation options.</param>
    /// <param name="onText">Receives (sequence index, new text) as text is produced, or null.</param>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options,
        Action<int, string>? onText = null)
    {
        var generated = prompts.Select(_ => new List<int>()).ToArray();
        var emitted = new int[prompts.Count];   // characters of text already streamed per sequence
        foreach (GenerationStep step in Steps(prompts, options))
        {
            for (int row = 0; row < prompts.Count; row++)
            {
                if (step.Tokens[row] is not { } token) continue;
                generated[row].Add(token);
                if (onText is null) continue;
                string text = VisibleText(generated[row], options);
                int ready = StreamableLength(text, options);
                if (ready > emitted[row])
                {
                    onText(row, text[emitted[row]..ready]);
                    emitted[row] = ready;
                }
            }
        }
        GenerationResult[] results = prompts.Select((prompt, row) => Result(prompt, generated[row], options)).ToArray();
        // Flush what was held back (a tail that never became a stop string, or a character completed at the end).
        for (int row = 0; onText is not null && row < results.Length; row++)
            if (results[row].Text.Length > emitted[row]) onText(row, results[row].Text[emitted[row]..]);
        return results;
    }

    /// <summary>
    /// The decoding loop at the level of ids: yields each step's tokens as soon as they are chosen.
    /// Tensors never cross a yield (every step runs in its own dispose scope).
    /// </summary>
    public IEnumerable<GenerationStep> Steps(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
    {
        options.Validate();
        if (prompts.Count == 0) yield break;
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("every prompt needs at least one token (encode with a BOS token, or give text)");
        int rows = prompts.Count, longest = prompts.Max(p => p.Count);
        int pad = _tokenizer.PadId ?? _tokenizer.EosId ?? 0;
        HashSet<int> stopTokens = [.. options.StopTokens];
        if (!options.IgnoreEos && _tokenizer.EosId is { } eos) stopTokens.Add(eos);

        // Left-padded ids and mask of everything so far; finished rows keep receiving pad tokens.
        var sequences = prompts.Select(p => Enumerable.Repeat((long)pad, longest - p.Count).Concat(p.Select(t => (long)t)).ToList()).ToArray();
        var maskRows = prompts.Select(p => Enumerable.Repeat(0L, longest - p.Count).Concat(Enumerable.Repeat(1L, p.Count)).ToList()).ToArray();
        bool padded = prompts.Any(p => p.Count != longest);
        var samplers = prompts.Select(p => new TokenSampler(options, p)).ToArray();
        var generated = prompts.Select(_ => new List<int>()).ToArray();
        var finished = new bool[rows];

        using KeyValueCache? cache = options.UseCache ? _model.NewCache() : null;
        for (int step = 0; step < options.MaxNewTokens && !finished.All(f => f); step++)
        {
            float[][] lastLogits = NextLogits(sequences, maskRows, padded, cache, step);
            var tokens = new int?[rows];
            for (int row = 0; row < rows; row++)
            {
                long appended = pad;
                if (!finished[row])
                {
                    int token = samplers[row].Next(lastLogits[row]);
                    tokens[row] = token;
                    generated[row].Add(token);
                    appended = token;
                    finished[row] = stopTokens.Contains(token) || HitsStopString(generated[row], options);
                }
                sequences[row].Add(appended);
                maskRows[row].Add(1);
            }
            yield return new GenerationStep(step, tokens);
        }
    }

    // Logits of the last position of every row: the whole prompt at step 0 (or every step without a cache), else the newest token.
    private float[][] NextLogits(List<long>[] sequences, List<long>[] maskRows, bool padded, KeyValueCache? cache, int step)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int rows = sequences.Length;
        bool incremental = cache is not null && step > 0;
        long[] flat = incremental ? sequences.Select(s => s[^1]).ToArray() : sequences.SelectMany(s => s).ToArray();
        Tensor input = tensor(flat, ScalarType.Int64, _model.Device).view(rows, -1);
        Tensor? mask = padded ? tensor(maskRows.SelectMany(m => m).ToArray(), ScalarType.Int64, _model.Device).view(rows, -1) : null;
        Tensor logits = _model.Forward(input, mask, cache).select(1, -1).to(ScalarType.Float32).cpu();
        return Enumerable.Range(0, rows).Select(row => logits[row].data<float>().ToArray()).ToArray();
    }

    // Hold back an incomplete multi-byte character (decoded as U+FFFD) until its last byte arrives, and any tail that
    // could still grow into a stop string, so the streamed pieces always add up to the final text.
    private static int StreamableLength(string text, GenerationOptions options)
    {
        int ready = text.EndsWith('\uFFFD') ? text.Length - 1 : text.Length;
        foreach (string stop in options.StopStrings)
            for (int length = Math.Min(stop.Length - 1, ready); length > 0; length--)
                if (string.CompareOrdinal(text, ready - length, stop, 0, length) == 0)
                {
                    ready -= length;
                    break;
                }
        return ready;
    }

    private bool HitsStopString(List<int> generated, GenerationOptions options) =>
        options.StopStrings.Count > 0 && options.StopStrings.Any(_tokenizer.Decode(generated, skipSpecialTokens: true).Contains);

    private string VisibleText(List<int> generated, GenerationOptions options)
    {
        string text = _tokenizer.Decode(generated, skipSpecialTokens: true);
        foreach (string stop in options.StopStrings)
            if (text.IndexOf(stop, StringComparison.Ordinal) is >= 0 and var at) text = text[..at];
        return text;
    }

    private GenerationResult Result(IReadOnlyList<int> prompt, List<int> generated, GenerationOptions options)
    {
        string full = _tokenizer.Decode(generated, skipSpecialTokens: true);
        string text = VisibleText(generated, options);
        StopReason reason = text.Length < full.Length && options.StopStrings.Any(full.Contains) ? StopReason.StopString
            : generated.Count > 0 && (options.StopTokens.Contains(generated[^1]) || (!options.IgnoreEos && generated[^1] == _tokenizer.EosId)) ? StopReason.StopToken
            : StopReason.MaxTokens;
        return new GenerationResult(prompt, generated, text, reason);
    }
}
