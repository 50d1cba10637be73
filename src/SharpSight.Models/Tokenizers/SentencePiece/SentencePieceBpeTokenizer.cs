namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>
/// SentencePiece-style BPE tokenizer (Llama-2, Mistral, Gemma and similar) with Hugging Face semantics: normalizer
/// (Prepend "▁" + Replace " "→"▁", or Replace only), optional Metaspace / Split pre-tokenizer, BPE with byte fallback and
/// unknown-token fusing, added (special) tokens, TemplateProcessing post-processor and the Replace / ByteFallback / Fuse /
/// Strip / Metaspace decoders.
/// </summary>
/// <remarks>
/// <para>Load a Hugging Face <c>tokenizer.json</c> with <see cref="FromTokenizerJson(string)"/> (merges applied by their rank
/// in the file, as the <c>tokenizers</c> library does), or a SentencePiece <c>tokenizer.model</c> with
/// <see cref="FromSentencePieceModel"/> (merges chosen by piece score, as SentencePiece itself does).</para>
/// <para>Offsets are [Start, End) UTF-16 indices into the input. The "▁" that a normalizer or pre-tokenizer inserts has no
/// source text, so a token made only of it (e.g. the lone "▁" before digits) has an empty span, and a token such as
/// "▁Hello" spans only "Hello" (or " Hello" when the "▁" replaced a real space). Byte-fallback pieces of one character
/// share that character's span; post-processor tokens (BOS, EOS) have an empty span at the start or end of the text.</para>
/// <para>Llama "legacy" files (normalizer Prepend("▁") + Replace(" ", "▁"), decoder ending in Strip(" ", 1)) double a
/// leading space (" Hello" → "▁", "▁Hello") and give every piece that follows a special token its own "▁"; with special
/// tokens skipped, decode(encode(s)) == s for every s without a literal "▁" (which decodes as a space). Non-legacy files
/// (Metaspace pre-tokenizer, prepend_scheme "first") add "▁" only at the very start and only when the text does not begin
/// with a space, so a leading space is lost on decode. Special tokens marked "normalized" (Llama-2's tokenizer.json) are
/// matched in the normalized text, i.e. as "▁&lt;/s&gt;", so "ok&lt;/s&gt;" does not contain &lt;/s&gt; — exactly as in
/// Hugging Face.</para>
/// <para>Decoding follows <c>tokenizers</c> 0.22 (added tokens decode as their content); the 0.23 change that decodes
/// "normalized" added tokens through their normalized form ("▁&lt;s&gt;") is deliberately not followed. A lone surrogate
/// in the input is treated as U+FFFD (Hugging Face cannot take one at all).</para>
/// <para>Microsoft.ML.Tokenizers' LlamaTokenizer is not used for tokenizer.model: it breaks ties between equal-score
/// merges rightmost-first (SentencePiece: leftmost-first), which changes long runs of spaces (from 14 "▁" for Mistral,
/// 16 for Llama-2); its offsets refer to the normalized text ("▁" included) and only the first byte piece of a character
/// gets its span; and it drops BOS/EOS when decoding, unlike transformers.</para>
/// Instances are immutable and safe to use from several threads.
/// </remarks>
public sealed class SentencePieceBpeTokenizer : ITokenizer
{
    private readonly BpeModel _model;
    private readonly TextNormalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly AddedVocabulary _added;
    private readonly IReadOnlyList<TemplatePiece> _template;
    private readonly TokenDecoder? _decoder;
    private readonly string?[] _idToToken;
    private readonly Dictionary<string, int> _addedByContent;
    private readonly HashSet<int> _specialIds;
    private readonly Dictionary<string, int> _specialTokens;

    internal SentencePieceBpeTokenizer(
        string source,
        BpeModel model,
        TextNormalizer? normalizer,
        PreTokenizer? preTokenizer,
        IReadOnlyList<AddedToken> addedTokens,
        IReadOnlyList<TemplatePiece> template,
        TokenDecoder? decoder,
        int? bosId,
        int? eosId,
        int? padId,
        bool cleanUpTokenizationSpaces = false)
    {
        CleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        Source = source;
        _model = model;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _added = new AddedVocabulary(addedTokens, normalizer);
        _template = template;
        _decoder = decoder;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;

        int maxId = -1;
        foreach (int id in model.Vocabulary.Values) maxId = Math.Max(maxId, id);
        foreach (AddedToken t in addedTokens) maxId = Math.Max(maxId, t.Id);
        _idToToken = new string?[maxId + 1];
        foreach ((string token, int id) in model.Vocabulary) _idToToken[id] ??= token;
        _addedByContent = new Dictionary<string, int>(StringComparer.Ordinal);
        _specialIds = [];
        _specialTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (AddedToken t in addedTokens)
        {
            _idToToken[t.Id] = t.Content;
            _addedByContent[t.Content] = t.Id;
            if (t.Special)
            {
                _specialIds.Add(t.Id);
                _specialTokens[t.Content] = t.Id;
            }
        }
        AddsBos = bosId is int b && template.TakeWhile(p => !p.IsSequence).Any(p => p.Ids.Contains(b));
        AddsEos = eosId is int e && template.SkipWhile(p => !p.IsSequence).Any(p => p.Ids.Contains(e));
    }

    /// <summary>
    /// Whether <see cref="Decode"/> applies transformers' clean-up of spaces before punctuation and contractions
    /// (" ." → ".", " n't" → "n't", …); set by <c>clean_up_tokenization_spaces: true</c> in tokenizer_config.json.
    /// </summary>
    public bool CleanUpTokenizationSpaces { get; }

    /// <summary>The file this tokenizer was loaded from.</summary>
    public string Source { get; }

    /// <inheritdoc />
    public int VocabSize => _idToToken.Length;

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

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> SpecialTokens => _specialTokens;

    /// <summary>
    /// Loads a Hugging Face <c>tokenizer.json</c> whose model is BPE; BOS/EOS/PAD and <c>add_bos_token</c> /
    /// <c>add_eos_token</c> are read from a <c>tokenizer_config.json</c> in the same folder when there is one.
    /// </summary>
    /// <param name="path">Path of the tokenizer.json.</param>
    /// <exception cref="TokenizerException">The file is missing, malformed or uses an unsupported component.</exception>
    public static SentencePieceBpeTokenizer FromTokenizerJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "tokenizer_config.json");
        return FromTokenizerJson(path, File.Exists(beside) ? beside : null);
    }

    /// <summary>
    /// Loads a Hugging Face <c>tokenizer.json</c> whose model is BPE, with an explicit <c>tokenizer_config.json</c>
    /// (or none when <paramref name="tokenizerConfigPath"/> is null).
    /// </summary>
    /// <remarks>
    /// As transformers does (LlamaTokenizerFast, GemmaTokenizerFast, and v5's generic backend), when the config sets
    /// <c>add_bos_token</c> or <c>add_eos_token</c> the post-processor is replaced by "[BOS] $A [EOS]" with those flags.
    /// </remarks>
    /// <param name="path">Path of the tokenizer.json.</param>
    /// <param name="tokenizerConfigPath">Path of a tokenizer_config.json, or null for none.</param>
    /// <exception cref="TokenizerException">A file is missing, malformed or uses an unsupported component.</exception>
    public static SentencePieceBpeTokenizer FromTokenizerJson(string path, string? tokenizerConfigPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return TokenizerJsonReader.Read(path, tokenizerConfigPath);
    }

    /// <summary>
    /// Loads a SentencePiece <c>tokenizer.model</c> (ModelProto, BPE type) with an optional <c>tokenizer_config.json</c>
    /// path for BOS/EOS/PAD, <c>add_bos_token</c> (default true), <c>add_eos_token</c> (default false),
    /// <c>legacy</c> and <c>add_prefix_space</c>.
    /// </summary>
    /// <remarks>
    /// Merges follow SentencePiece (highest piece score first); with <c>legacy</c> (the default) the text is normalized
    /// as SentencePiece does (dummy "▁" prefix, spaces to "▁"); with <c>legacy: false</c> it is pre-tokenized as
    /// transformers' converter does (Metaspace, prepend_scheme "first"). Control and unknown pieces are special tokens;
    /// user-defined pieces are always matched in the text, as SentencePiece does.
    /// </remarks>
    /// <param name="tokenizerModel">Path of the tokenizer.model.</param>
    /// <param name="tokenizerConfigJson">Path of a tokenizer_config.json, or null for none (it is not looked for beside the model).</param>
    /// <returns>A <see cref="SentencePieceBpeTokenizer"/>.</returns>
    /// <exception cref="TokenizerException">A file is missing, malformed or uses an unsupported feature.</exception>
    public static ITokenizer FromSentencePieceModel(string tokenizerModel, string? tokenizerConfigJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerModel);
        return SentencePieceModelReader.Read(tokenizerModel, tokenizerConfigJson);
    }

    /// <inheritdoc />
    public TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var offsets = new List<(int, int)>();

        // 1. Added tokens matched on the original text; 2. normalization; 3. added tokens matched on the normalized text.
        var stage1 = new List<(AlignedString Piece, AddedToken? Token)>();
        _added.SplitOriginal(AlignedString.FromOriginal(text, 0, text.Length), parseSpecialTokens, stage1);
        var stage2 = new List<(AlignedString Piece, AddedToken? Token)>();
        foreach (var (piece, token) in stage1)
        {
            if (token is not null) { stage2.Add((piece, token)); continue; }
            if (piece.Length == 0) continue;
            AlignedString normalized = _normalizer?.Normalize(piece) ?? piece;
            if (normalized.Length == 0) continue;
            _added.SplitNormalized(normalized, parseSpecialTokens, stage2);
        }

        // 4. Pre-tokenization and BPE on every remaining piece.
        var words = new List<AlignedString>();
        var wordTokens = new List<WordToken>();
        var content = new List<(int Id, (int, int) Span)>();
        foreach (var (piece, token) in stage2)
        {
            if (token is not null)
            {
                content.Add((token.Id, piece.OriginalSpan(0, piece.Length)));
                continue;
            }
            if (piece.Length == 0) continue;
            words.Clear();
            if (_preTokenizer is null) words.Add(piece);
            else _preTokenizer.Split(piece, words);
            foreach (AlignedString word in words)
            {
                wordTokens.Clear();
                _model.Encode(word.Text, wordTokens);
                foreach (WordToken t in wordTokens) content.Add((t.Id, word.OriginalSpan(t.From, t.To)));
            }
        }

        // 5. Post-processor template.
        if (addSpecialTokens && _template.Count > 0)
        {
            bool afterSequence = false;
            foreach (TemplatePiece p in _template)
            {
                if (p.IsSequence)
                {
                    foreach (var (id, span) in content) { ids.Add(id); offsets.Add(span); }
                    afterSequence = true;
                    continue;
                }
                int at = afterSequence ? text.Length : 0;
                foreach (int id in p.Ids) { ids.Add(id); offsets.Add((at, at)); }
            }
        }
        else
        {
            foreach (var (id, span) in content) { ids.Add(id); offsets.Add(span); }
        }

        var tokens = new string[ids.Count];
        for (int i = 0; i < ids.Count; i++) tokens[i] = IdToToken(ids[i]) ?? "";
        return new TokenEncoding(ids.ToArray(), tokens, offsets.ToArray());
    }

    /// <inheritdoc />
    /// <remarks>Ids outside the vocabulary are skipped, as Hugging Face does.</remarks>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            string? token = IdToToken(id);
            if (token is null) continue;
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            tokens.Add(token);
        }
        string text = _decoder is null ? string.Join(' ', tokens) : _decoder.Decode(tokens);
        return CleanUpTokenizationSpaces ? CleanUp(text) : text;
    }

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
    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <inheritdoc />
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedByContent.TryGetValue(token, out int id)) return id;
        return _model.Vocabulary.TryGetValue(token, out id) ? id : null;
    }
}
