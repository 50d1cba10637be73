namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>
/// What every BPE tokenizer shares: a BPE model, the added tokens on top of it, BOS / EOS / PAD, the post-processor
/// template, id ↔ token lookups and decoding with special tokens skipped. The byte-level and SentencePiece-style
/// tokenizers derive from it and add their own normalizer, pre-tokenizer and decoder.
/// </summary>
public abstract class BpeTokenizer : ITokenizer
{
    private protected readonly BpeModel Model;
    private protected readonly AddedVocabulary Added;
    private protected readonly Template Template;
    private readonly bool _afterTokensAtEnd;

    private protected BpeTokenizer(BpeParts parts, bool cleanUpTokenizationSpaces, bool afterTokensAtEnd)
    {
        Source = parts.Source;
        Model = parts.Model;
        Added = parts.Added;
        Template = parts.Template;
        BosId = parts.BosId;
        EosId = parts.EosId;
        PadId = parts.PadId;
        CleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        _afterTokensAtEnd = afterTokensAtEnd;
        int max = Model.IdToTokenTable.Length - 1;
        foreach (int id in Added.Ids) max = Math.Max(max, id);
        VocabSize = max + 1;
        AddsBos = BosId is int bos && Template.Before.Any(t => t.Id == bos);
        AddsEos = EosId is int eos && Template.After.Any(t => t.Id == eos);
    }

    /// <summary>The file (or files) the tokenizer was read from, for messages.</summary>
    public string Source { get; }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <inheritdoc />
    public int? PadId { get; }

    /// <summary>Whether <see cref="Encode"/> with <c>addSpecialTokens</c> puts <see cref="BosId"/> before the text.</summary>
    public bool AddsBos { get; }

    /// <summary>Whether <see cref="Encode"/> with <c>addSpecialTokens</c> puts <see cref="EosId"/> after the text.</summary>
    public bool AddsEos { get; }

    /// <summary>
    /// Whether <see cref="Decode"/> applies transformers' clean-up of spaces before punctuation and contractions
    /// (" ." → ".", " n't" → "n't", …).
    /// </summary>
    public bool CleanUpTokenizationSpaces { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> SpecialTokens => Added.SpecialTokens;

    /// <summary>The added tokens (special and not), in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => Added.Tokens;

    /// <inheritdoc />
    public abstract TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false);

    /// <summary>Encodes and returns the ids only.</summary>
    public int[] EncodeToIds(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false) =>
        [.. Encode(text, addSpecialTokens, parseSpecialTokens).Ids];

    /// <inheritdoc />
    /// <remarks>Ids outside the vocabulary are skipped, and special tokens are recognized by their text, as Hugging Face does.</remarks>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            string? token = IdToToken(id);
            if (token is null) continue;
            if (skipSpecialTokens && Added.IsSpecialContent(token)) continue;
            tokens.Add(token);
        }
        string text = DecodeTokens(tokens);
        return CleanUpTokenizationSpaces ? CleanUp(text) : text;
    }

    /// <summary>The family's decoder: token strings to text.</summary>
    private protected abstract string DecodeTokens(List<string> tokens);

    /// <summary>transformers' clean_up_tokenization.</summary>
    private static string CleanUp(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    /// <inheritdoc />
    public string? IdToToken(int id) => IdToToken(Model, Added, id);

    /// <inheritdoc />
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return TokenToId(Model, Added, token);
    }

    private static string? IdToToken(BpeModel model, AddedVocabulary added, int id) =>
        added.IdToToken(id) ?? ((uint)id < (uint)model.IdToTokenTable.Length ? model.IdToTokenTable[id] : null);

    private static int? TokenToId(BpeModel model, AddedVocabulary added, string token) => added.TokenToId(token) ?? model.TokenToId(token);

    /// <summary>
    /// Applies the template when <paramref name="addSpecialTokens"/> and packs the result. Tokens the template puts after
    /// the text get an empty span at 0 (as Hugging Face) or, for families that say so, at the end of the text.
    /// </summary>
    private protected TokenEncoding Finish(List<(int Id, string Token, int Start, int End)> output, int textLength, bool addSpecialTokens)
    {
        if (addSpecialTokens) Template.Apply(output, _afterTokensAtEnd ? textLength : 0);
        var ids = new int[output.Count];
        var tokens = new string[output.Count];
        var offsets = new (int, int)[output.Count];
        for (int i = 0; i < output.Count; i++)
        {
            ids[i] = output[i].Id;
            tokens[i] = output[i].Token;
            offsets[i] = (output[i].Start, output[i].End);
        }
        return new TokenEncoding(ids, tokens, offsets);
    }

    /// <summary>
    /// The loading policy every BPE loader shares, as transformers applies a tokenizer_config.json on top of a tokenizer:
    /// its added_tokens_decoder overrides or extends the file's added tokens (by id); BOS / EOS / PAD are the tokens the
    /// config names (null when it says null) or else the family's <paramref name="defaults"/>; the named special tokens
    /// become special added tokens; and add_bos_token / add_eos_token rebuild the template as "[BOS] $A [EOS]".
    /// </summary>
    /// <param name="source">The tokenizer file(s), for messages.</param>
    /// <param name="model">The BPE model.</param>
    /// <param name="fileTokens">The added tokens of the tokenizer file itself.</param>
    /// <param name="normalize">The normalizer applied to normalized added tokens, or null.</param>
    /// <param name="config">The tokenizer_config.json, or null.</param>
    /// <param name="fileTemplate">The template of the tokenizer file, or null.</param>
    /// <param name="defaults">BOS / EOS / PAD where the config does not name them.</param>
    /// <param name="addBosByDefault">
    /// The family's add_bos_token default, which always rebuilds the template; null keeps <paramref name="fileTemplate"/>
    /// unless the config sets a flag or its class adds BOS by default (transformers' Llama and Gemma classes).
    /// </param>
    internal static BpeParts Assemble(string source, BpeModel model, IReadOnlyList<AddedToken> fileTokens, Func<string, string>? normalize,
        TokenizerConfig? config, Template? fileTemplate, (int? Bos, int? Eos, int? Pad) defaults, bool? addBosByDefault)
    {
        var tokens = new List<AddedToken>(fileTokens);
        foreach (AddedToken t in config?.AddedTokens ?? [])
        {
            int existing = tokens.FindIndex(a => a.Id == t.Id);
            if (existing >= 0) tokens[existing] = t;
            else tokens.Add(t);
        }
        var lookup = new AddedVocabulary(tokens, normalize);

        int? Resolve(string field, int? fallback)
        {
            if (config is null || !config.Names(field, out string? content)) return fallback;
            if (content is null) return null;
            return TokenToId(model, lookup, content)
                ?? throw new TokenizerException($"{config.Path}: {field} = {JsonFile.Quote(content)}: the token is not in the vocabulary of {source}");
        }
        int? bos = Resolve("bos_token", defaults.Bos), eos = Resolve("eos_token", defaults.Eos), pad = Resolve("pad_token", defaults.Pad);

        // transformers registers the config's named special tokens as special added tokens (normalized false).
        bool registered = false;
        foreach (string field in TokenizerConfig.NamedTokenFields)
        {
            if (config is null || !config.Names(field, out string? content) || content is null || tokens.Exists(t => t.Content == content)) continue;
            if (model.TokenToId(content) is int id)
            {
                tokens.Add(new AddedToken(id, content, Special: true));
                registered = true;
            }
        }
        AddedVocabulary added = registered ? new AddedVocabulary(tokens, normalize) : lookup;

        Template template = fileTemplate ?? Template.Empty;
        bool rebuild = addBosByDefault is not null
            || config is not null && (config.AddBosToken is not null || config.AddEosToken is not null || config.ClassAddsBosByDefault);
        if (rebuild)
        {
            bool addBos = config?.AddBosToken ?? addBosByDefault ?? config!.ClassAddsBosByDefault;
            bool addEos = config?.AddEosToken ?? false;
            // A flag the config sets needs its token (transformers raises); a default without one adds nothing.
            if (config?.AddBosToken == true && bos is null) throw new TokenizerException($"{config.Path}: add_bos_token = true: there is no bos_token");
            if (config?.AddEosToken == true && eos is null) throw new TokenizerException($"{config.Path}: add_eos_token = true: there is no eos_token");
            template = Template.BosEos(addBos ? bos : null, addEos ? eos : null, id => IdToToken(model, added, id)!);
        }
        return new BpeParts(source, model, added, bos, eos, pad, template);
    }
}

/// <summary>A loaded BPE tokenizer's shared parts (see <see cref="BpeTokenizer.Assemble"/>).</summary>
internal sealed record BpeParts(string Source, BpeModel Model, AddedVocabulary Added, int? BosId, int? EosId, int? PadId, Template Template);
