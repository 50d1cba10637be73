using System.Text;
using SharpSight.Models.Tokenizers.Bpe;

namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// A byte-level BPE tokenizer with Hugging Face <c>tokenizers</c> semantics (GPT-2, GPT-NeoX / Pythia, Llama-3, Qwen2).
/// <para>
/// Encoding runs Hugging Face's pipeline: added tokens are cut out of the raw text (non-normalized ones), each remaining
/// piece is normalized (NFC for NeoX / Qwen2) and normalized added tokens are cut out of it, the rest is split by the
/// pre-tokenizer regexes (a <c>Split</c> pattern and / or the GPT-2 pattern of the ByteLevel pre-tokenizer, with
/// <c>add_prefix_space</c> prepending a space to every piece that lacks one), each pre-token's UTF-8 bytes are spelled in
/// <see cref="ByteLevelAlphabet"/> and run through the BPE model, and the post-processors trim offsets (ByteLevel
/// <c>trim_offsets</c>) and add template tokens such as Llama-3's BOS.
/// </para>
/// <para>
/// Offsets are the UTF-16 counterpart of Hugging Face's character offsets: a token's span covers every input character
/// one of whose bytes it holds (so the byte tokens of one emoji share its span), a prepended prefix space takes the span
/// of the character it precedes, and template tokens have an empty span at 0. Truncation and padding settings of a
/// tokenizer.json are ignored; decoding does not apply transformers' <c>clean_up_tokenization_spaces</c>.
/// </para>
/// <para>Instances are immutable apart from a concurrent per-word cache, so one tokenizer may encode on many threads.</para>
/// </summary>
public sealed partial class ByteLevelBpeTokenizer : BpeTokenizer
{
    private readonly UnicodeNormalizer _normalizer;
    private readonly IReadOnlyList<(CodePointRegex Regex, bool Isolated)> _splits;
    private readonly bool _addPrefixSpace;
    private readonly CodePointRegex? _byteLevelRegex;
    private readonly PostProcessor _post;
    private readonly bool _byteLevelDecoder;

    private static readonly CodePointRegex Gpt2Regex = new(ByteLevelPatterns.Gpt2);

    // Template tokens after the text get Hugging Face's (0, 0) span; transformers' clean-up is not applied (the goldens
    // of this family come from the tokenizers library, which has neither).
    private ByteLevelBpeTokenizer(
        BpeParts parts,
        UnicodeNormalizer normalizer,
        IReadOnlyList<(CodePointRegex Regex, bool Isolated)> splits,
        bool addPrefixSpace,
        bool byteLevelUsesRegex,
        PostProcessor post,
        bool byteLevelDecoder)
        : base(parts, cleanUpTokenizationSpaces: false, afterTokensAtEnd: false)
    {
        _normalizer = normalizer;
        _splits = splits;
        _addPrefixSpace = addPrefixSpace;
        _byteLevelRegex = byteLevelUsesRegex ? Gpt2Regex : null;
        _post = post;
        _byteLevelDecoder = byteLevelDecoder;
    }

    /// <summary>Whether a pre-token found whole in the vocabulary is emitted as one token without merging (Llama-3, tiktoken).</summary>
    public bool IgnoreMerges => Model.IgnoreMerges;

    /// <summary>The Split pre-tokenizer patterns, in order (empty when the ByteLevel pre-tokenizer's own GPT-2 pattern splits).</summary>
    public IReadOnlyList<string> SplitPatterns => [.. _splits.Select(s => s.Regex.Pattern)];

    /// <inheritdoc />
    public override TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<(int Id, string Token, int Start, int End)>();
        var rawPieces = new List<(int Start, int End, int Id)>();
        Added.Split(text, normalizedPass: false, parseSpecialTokens, rawPieces);
        var normalizedPieces = new List<(int Start, int End, int Id)>();
        foreach (var (start, end, id) in rawPieces)
        {
            if (id >= 0)
            {
                output.Add((id, text[start..end], start, end));
                continue;
            }
            AlignedString segment = _normalizer.Apply(text, start, end);
            normalizedPieces.Clear();
            Added.Split(segment.Text, normalizedPass: true, parseSpecialTokens, normalizedPieces);
            foreach (var (a, b, addedId) in normalizedPieces)
            {
                if (addedId >= 0) output.Add((addedId, segment.Text[a..b], segment.StartOf(a), segment.EndOf(b - 1)));
                else PreTokenizeAndTokenize(segment, a, b, output);
            }
        }
        if (_post.TrimOffsets) Trim(output, _post.TrimAddPrefixSpace);
        return Finish(output, text.Length, addSpecialTokens);
    }

    private protected override string DecodeTokens(List<string> tokens) =>
        _byteLevelDecoder ? ByteLevelAlphabet.DecodeText(tokens) : string.Join(' ', tokens);

    /// <summary>Pre-tokenizes segment.Text[start..end) and runs the model on every pre-token.</summary>
    private void PreTokenizeAndTokenize(AlignedString segment, int start, int end, List<(int, string, int, int)> output)
    {
        var pieces = new List<(int Start, int End)> { (start, end) };
        var next = new List<(int Start, int End)>();
        foreach (var (regex, isolated) in _splits)
        {
            next.Clear();
            foreach (var (s, e) in pieces)
            {
                int before = next.Count;
                regex.Split(segment.Text.AsSpan(s, e - s), next, isolated);
                for (int k = before; k < next.Count; k++) next[k] = (next[k].Start + s, next[k].End + s);
            }
            (pieces, next) = (next, pieces);
        }

        var subPieces = new List<(int Start, int End)>();
        var words = new WordBuilder();
        var bpe = new List<(int Id, int Start, int End)>();
        foreach (var (s, e) in pieces)
        {
            if (e <= s) continue;
            bool prefix = _addPrefixSpace && segment.Text[s] != ' ';
            // Work on " " + piece when a prefix space is added: index 0 is the space, index k > 0 is piece index k - 1.
            string pieceText = prefix ? " " + segment.Text[s..e] : segment.Text[s..e];
            int shift = prefix ? 1 : 0;
            subPieces.Clear();
            if (_byteLevelRegex is not null) _byteLevelRegex.Split(pieceText, subPieces);
            else subPieces.Add((0, pieceText.Length));

            foreach (var (ps, pe) in subPieces)
            {
                words.Clear();
                for (int i = ps; i < pe; i++)
                {
                    int srcStart, srcEnd;
                    int unit = s + i - shift;
                    if (i < shift)
                    {
                        srcStart = segment.StartOf(s); // the added space takes the span of the character it precedes
                        srcEnd = CodePointEnd(segment, s);
                        words.Append(' ', srcStart, srcEnd);
                        continue;
                    }
                    char c = pieceText[i];
                    srcStart = segment.StartOf(unit);
                    if (char.IsHighSurrogate(c) && i + 1 < pe && char.IsLowSurrogate(pieceText[i + 1]))
                    {
                        srcEnd = segment.EndOf(unit + 1);
                        words.Append(char.ConvertToUtf32(c, pieceText[i + 1]), srcStart, srcEnd);
                        i++;
                    }
                    else
                    {
                        srcEnd = segment.EndOf(unit);
                        words.Append(c, srcStart, srcEnd);
                    }
                }
                string word = words.Word();
                bpe.Clear();
                Model.Tokenize(word, bpe);
                foreach (var (id, ts, te) in bpe)
                {
                    output.Add((id, Model.IdToTokenTable[id] ?? word[ts..te], words.Starts[ts], words.Ends[te - 1]));
                }
            }
        }
    }

    private static int CodePointEnd(AlignedString segment, int i)
    {
        string t = segment.Text;
        if (char.IsHighSurrogate(t[i]) && i + 1 < t.Length && char.IsLowSurrogate(t[i + 1])) return segment.EndOf(i + 1);
        return segment.EndOf(i);
    }

    /// <summary>Hugging Face's ByteLevel post-processor offset trimming (process_offsets), on UTF-16 offsets.</summary>
    private static void Trim(List<(int Id, string Token, int Start, int End)> output, bool addPrefixSpace)
    {
        for (int i = 0; i < output.Count; i++)
        {
            var (id, token, start, end) = output[i];
            int leading = 0;
            while (leading < token.Length && IsTrimmable(token[leading])) leading++;
            int trailing = 0;
            while (trailing < token.Length && IsTrimmable(token[token.Length - 1 - trailing])) trailing++;
            if (leading == 0 && trailing == 0) continue;
            if (leading > 0)
            {
                bool isFirst = i == 0 || start == 0;
                if (isFirst && addPrefixSpace && leading == 1) leading = 0;
                start = Math.Min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing) end = Math.Max(end - trailing, start);
            output[i] = (id, token, start, end);
        }
    }

    private static bool IsTrimmable(char c) => c == 'Ġ' || char.IsWhiteSpace(c);

    /// <summary>Builds a pre-token's alphabet spelling with each byte's source span.</summary>
    private sealed class WordBuilder
    {
        private readonly StringBuilder _chars = new();
        public readonly List<int> Starts = new();
        public readonly List<int> Ends = new();

        public void Clear()
        {
            _chars.Clear();
            Starts.Clear();
            Ends.Clear();
        }

        public void Append(int codePoint, int start, int end)
        {
            Span<byte> utf8 = stackalloc byte[4];
            Rune rune = Rune.TryCreate(codePoint, out Rune r) ? r : Rune.ReplacementChar;
            int n = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < n; k++)
            {
                _chars.Append(ByteLevelAlphabet.ByteToChar(utf8[k]));
                Starts.Add(start);
                Ends.Add(end);
            }
        }

        public string Word() => _chars.ToString();
    }
}
