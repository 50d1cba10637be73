using System.Globalization;

namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// Hugging Face's <c>AddedVocabulary</c> split: leftmost-longest, non-overlapping matching of the added tokens (one
/// matcher for non-normalized tokens on raw text, one for normalized tokens on normalized text), then the
/// single_word / lstrip / rstrip rules and, when special tokens are not parsed, skipping of special matches (whose text
/// stays ordinary text).
/// </summary>
internal sealed class AddedVocabulary
{
    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public int Token = -1;
    }

    private readonly Node _raw = new();
    private readonly Node _normalized = new();
    private readonly Dictionary<string, ByteLevelAddedToken> _byContent = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ByteLevelAddedToken> _byId = new();
    private readonly Dictionary<int, string> _normalizedContent = new();
    private readonly HashSet<string> _specialContents = new(StringComparer.Ordinal);

    public AddedVocabulary(IEnumerable<ByteLevelAddedToken> tokens, Func<string, string> normalize)
    {
        var list = new List<ByteLevelAddedToken>();
        foreach (var t in tokens)
        {
            if (t.Content.Length == 0) continue;
            list.Add(t);
            _byContent[t.Content] = t;
            _byId[t.Id] = t;
            if (t.Special) _specialContents.Add(t.Content);
        }
        Tokens = list;
        foreach (var t in _byId.Values)
        {
            if (t.Normalized)
            {
                string n = normalize(t.Content);
                if (n != t.Content) _normalizedContent[t.Id] = n;
                if (n.Length > 0) Add(_normalized, n, t.Id);
            }
            else
            {
                Add(_raw, t.Content, t.Id);
            }
        }
        HasRaw = _raw.Children is not null;
        HasNormalized = _normalized.Children is not null;
    }

    public IReadOnlyList<ByteLevelAddedToken> Tokens { get; }

    public bool HasRaw { get; }

    public bool HasNormalized { get; }

    public bool IsEmpty => _byId.Count == 0;

    public int? TokenToId(string content) => _byContent.TryGetValue(content, out var t) ? t.Id : null;

    /// <summary>The token text Hugging Face reports for an id (the normalized content where normalization changed it).</summary>
    public string? IdToToken(int id)
    {
        if (_normalizedContent.TryGetValue(id, out string? n)) return n;
        return _byId.TryGetValue(id, out var t) ? t.Content : null;
    }

    public bool IsSpecialContent(string content) => _specialContents.Contains(content);

    public IEnumerable<int> Ids => _byId.Keys;

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
    /// Splits <paramref name="text"/> into pieces: (start, end, id) for an added token, (start, end, -1) for ordinary text.
    /// Pieces cover the text in order; an empty text gives no pieces.
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
            var token = _byId[bestId];
            if (!parseSpecial && token.Special) continue;
            if (token.SingleWord)
            {
                bool spaceBefore = start == 0 || !IsWordChar(PreviousCodePoint(text, start));
                bool spaceAfter = stop == text.Length || !IsWordChar(CodePointAt(text, stop));
                if (!spaceBefore || !spaceAfter) continue;
            }
            if (token.LStrip)
            {
                int s = start;
                while (s > 0 && char.IsWhiteSpace(text[s - 1])) s--;
                start = Math.Max(s, startOffset);
            }
            if (token.RStrip)
            {
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
                i = Math.Max(i, stop);
            }
            start = Math.Max(start, startOffset);
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
    internal static int CodePointAt(string text, int index)
    {
        char c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            return char.ConvertToUtf32(c, text[index + 1]);
        return char.IsSurrogate(c) ? 0xFFFD : c;
    }

    /// <summary>Rust regex's Unicode <c>\w</c>: Alphabetic, marks, decimal digits, connector punctuation, join controls.</summary>
    internal static bool IsWordChar(int cp)
    {
        if (cp is 0x200C or 0x200D) return true;
        if (cp is >= 0x24B6 and <= 0x24E9) return true;        // circled letters (Other_Alphabetic)
        if (cp is >= 0x1F130 and <= 0x1F189) return true;      // squared / negative squared letters (Other_Alphabetic)
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category switch
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
