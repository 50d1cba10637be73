using System.Collections.ObjectModel;
using System.Globalization;

namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>
/// Hugging Face's <c>AddedVocabulary</c> (added_vocabulary.rs), shared by every BPE tokenizer: leftmost-longest,
/// non-overlapping matching of the added tokens — one matcher for non-normalized tokens on the raw text, one for
/// normalized tokens (by their normalized content) on the normalized text — then the single_word / lstrip / rstrip rules
/// and, when special tokens are not parsed, skipping of special matches (whose text stays ordinary text).
/// </summary>
/// <remarks>
/// As in Hugging Face, tokens with empty content are ignored, and where two tokens share an id or a content the later one
/// wins. Instances are immutable.
/// </remarks>
internal sealed class AddedVocabulary
{
    /// <summary>A trie node; matching walks it character by character, remembering the longest token seen.</summary>
    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public int Token = -1;
    }

    private readonly Node _raw = new();
    private readonly Node _normalized = new();
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);
    private readonly Dictionary<int, AddedToken> _byId = new();
    private readonly Dictionary<string, int> _special = new(StringComparer.Ordinal);

    /// <param name="tokens">The added tokens, in file order.</param>
    /// <param name="normalize">The tokenizer's normalizer, applied to the content of normalized tokens (null: none).</param>
    public AddedVocabulary(IEnumerable<AddedToken> tokens, Func<string, string>? normalize)
    {
        var list = new List<AddedToken>();
        foreach (AddedToken t in tokens)
        {
            if (t.Content.Length == 0) continue;
            list.Add(t);
            _byContent[t.Content] = t;
            _byId[t.Id] = t;
            if (t.Special) _special[t.Content] = t.Id;
        }
        Tokens = list;
        SpecialTokens = new ReadOnlyDictionary<string, int>(_special);
        foreach (AddedToken t in _byId.Values)
        {
            if (!t.Normalized) Add(_raw, t.Content, t.Id);
            else if ((normalize is null ? t.Content : normalize(t.Content)) is { Length: > 0 } pattern) Add(_normalized, pattern, t.Id);
        }
    }

    /// <summary>The added tokens (special and not), in file order.</summary>
    public IReadOnlyList<AddedToken> Tokens { get; }

    /// <summary>Special tokens by content.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    public IEnumerable<int> Ids => _byId.Keys;

    public int? TokenToId(string content) => _byContent.TryGetValue(content, out AddedToken? t) ? t.Id : null;

    /// <summary>The content of an added id (Hugging Face decodes added tokens as their content), or null.</summary>
    public string? IdToToken(int id) => _byId.TryGetValue(id, out AddedToken? t) ? t.Content : null;

    /// <summary>Whether a token string is the content of a special token; skip-special decoding drops such strings, as Hugging Face does.</summary>
    public bool IsSpecialContent(string content) => _special.ContainsKey(content);

    private static void Add(Node root, string pattern, int id)
    {
        Node node = root;
        foreach (char c in pattern)
        {
            node.Children ??= new Dictionary<char, Node>();
            if (!node.Children.TryGetValue(c, out Node? child)) node.Children[c] = child = new Node();
            node = child;
        }
        node.Token = id;
    }

    /// <summary>
    /// Splits <paramref name="text"/> (the raw text, or with <paramref name="normalizedPass"/> a normalized piece of it)
    /// into pieces: (start, end, id) for an added token, (start, end, -1) for ordinary text. Pieces cover the text in
    /// order; an empty text gives no pieces.
    /// </summary>
    public void Split(string text, bool normalizedPass, bool parseSpecial, List<(int Start, int End, int Id)> pieces)
    {
        Node root = normalizedPass ? _normalized : _raw;
        if (text.Length == 0) return;
        if (root.Children is null)
        {
            pieces.Add((0, text.Length, -1));
            return;
        }
        int startOffset = 0;
        int i = 0;
        while (i < text.Length)
        {
            // Longest match starting at i.
            Node node = root;
            int bestEnd = -1, bestId = -1;
            for (int j = i; j < text.Length; j++)
            {
                if (node.Children is null || !node.Children.TryGetValue(text[j], out Node? child)) break;
                node = child;
                if (node.Token >= 0) { bestEnd = j + 1; bestId = node.Token; }
            }
            if (bestEnd < 0) { i++; continue; }

            int start = i, stop = bestEnd;
            i = bestEnd; // matches never overlap, even when this one is then skipped
            AddedToken token = _byId[bestId];
            if (!parseSpecial && token.Special) continue;
            if (token.SingleWord)
            {
                bool spaceBefore = start == 0 || !IsWordChar(PreviousCodePoint(text, start));
                bool spaceAfter = stop == text.Length || !IsWordChar(CodePointAt(text, stop));
                if (!spaceBefore || !spaceAfter) continue;
            }
            if (token.LStrip)
            {
                while (start > startOffset && char.IsWhiteSpace(text[start - 1])) start--;
            }
            if (token.RStrip)
            {
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
                i = Math.Max(i, stop);
            }
            if (startOffset < start) pieces.Add((startOffset, start, -1));
            pieces.Add((start, stop, bestId));
            startOffset = stop;
        }
        if (startOffset < text.Length) pieces.Add((startOffset, text.Length, -1));
    }

    private static int PreviousCodePoint(string text, int index)
    {
        if (index >= 2 && char.IsLowSurrogate(text[index - 1]) && char.IsHighSurrogate(text[index - 2]))
            return char.ConvertToUtf32(text[index - 2], text[index - 1]);
        return char.IsSurrogate(text[index - 1]) ? 0xFFFD : text[index - 1];
    }

    /// <summary>The code point at <paramref name="index"/>; U+FFFD for a lone surrogate.</summary>
    private static int CodePointAt(string text, int index)
    {
        char c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            return char.ConvertToUtf32(c, text[index + 1]);
        return char.IsSurrogate(c) ? 0xFFFD : c;
    }

    /// <summary>Rust regex's Unicode <c>\w</c>: Alphabetic, marks, decimal digits, connector punctuation, join controls.</summary>
    private static bool IsWordChar(int cp)
    {
        if (cp is 0x200C or 0x200D) return true;
        if (cp is >= 0x24B6 and <= 0x24E9) return true;        // circled letters (Other_Alphabetic)
        if (cp is >= 0x1F130 and <= 0x1F189) return true;      // squared / negative squared letters (Other_Alphabetic)
        return CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
                or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }
}
