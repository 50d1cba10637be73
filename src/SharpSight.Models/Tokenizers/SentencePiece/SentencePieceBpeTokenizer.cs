using SharpSight.Models.Tokenizers.Bpe;

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
public sealed class SentencePieceBpeTokenizer : BpeTokenizer
{
    private readonly TextNormalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly TokenDecoder? _decoder;

    // Template tokens after the text get an empty span at its end (see the remarks); clean-up follows the config, as transformers does.
    internal SentencePieceBpeTokenizer(BpeParts parts, TextNormalizer? normalizer, PreTokenizer? preTokenizer, TokenDecoder? decoder, bool cleanUpTokenizationSpaces)
        : base(parts, cleanUpTokenizationSpaces, afterTokensAtEnd: true)
    {
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _decoder = decoder;
    }

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
    public override TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<(int Id, string Token, int Start, int End)>();
        void Add(int id, (int Start, int End) span) => output.Add((id, IdToToken(id) ?? "", span.Start, span.End));

        // 1. Added tokens matched on the original text; 2. normalization; 3. added tokens matched on the normalized text;
        // 4. pre-tokenization and BPE on every remaining piece.
        AlignedString original = AlignedString.FromOriginal(text, 0, text.Length);
        var rawPieces = new List<(int Start, int End, int Id)>();
        Added.Split(text, normalizedPass: false, parseSpecialTokens, rawPieces);
        var normalizedPieces = new List<(int Start, int End, int Id)>();
        var words = new List<AlignedString>();
        var bpe = new List<(int Id, int Start, int End)>();
        foreach (var (start, end, id) in rawPieces)
        {
            if (id >= 0)
            {
                Add(id, original.OriginalSpan(start, end));
                continue;
            }
            AlignedString piece = original.Slice(start, end);
            AlignedString normalized = _normalizer?.Normalize(piece) ?? piece;
            normalizedPieces.Clear();
            Added.Split(normalized.Text, normalizedPass: true, parseSpecialTokens, normalizedPieces);
            foreach (var (a, b, addedId) in normalizedPieces)
            {
                if (addedId >= 0)
                {
                    Add(addedId, normalized.OriginalSpan(a, b));
                    continue;
                }
                // A piece that is the whole normalized text keeps its own origin, which Metaspace's "first" scheme reads.
                AlignedString rest = a == 0 && b == normalized.Length ? normalized : normalized.Slice(a, b);
                words.Clear();
                if (_preTokenizer is null) words.Add(rest);
                else _preTokenizer.Split(rest, words);
                foreach (AlignedString word in words)
                {
                    bpe.Clear();
                    Model.Tokenize(word.Text, bpe);
                    foreach (var (tokenId, from, to) in bpe) Add(tokenId, word.OriginalSpan(from, to));
                }
            }
        }
        return Finish(output, text.Length, addSpecialTokens);
    }

    private protected override string DecodeTokens(List<string> tokens) => _decoder is null ? string.Join(' ', tokens) : _decoder.Decode(tokens);
}
