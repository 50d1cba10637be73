using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// A pre-tokenizer regex with the code-point semantics of the Rust engines Hugging Face and tiktoken use (Oniguruma,
/// fancy-regex). .NET's engine walks UTF-16 units, so a supplementary-plane letter (𝐀, 𠀀) would be two surrogates of
/// category Cs and miss <c>\p{L}</c>; this class therefore matches on a shadow string with one character per code point
/// (each supplementary code point replaced by a BMP character of the same general category) and maps the spans back.
/// Inside <c>(?i:…)</c> groups a literal <c>s</c> also matches U+017F (ſ), which Unicode case folding (and the Rust
/// engines) treat as <c>s</c> but .NET does not. <c>\s</c> in .NET is exactly Unicode White_Space, as in the Rust engines.
/// </summary>
internal sealed class CodePointRegex
{
    private readonly Regex _regex;

    public CodePointRegex(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex(Translate(pattern), RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as written in the tokenizer file.</summary>
    public string Pattern { get; }

    /// <summary>
    /// Appends the pieces of <paramref name="text"/> (spans relative to its start) in order. With
    /// <paramref name="isolated"/> (Hugging Face's "Isolated" split behaviour) every match and every gap between matches
    /// is a piece; otherwise ("Removed") the matches are dropped and only the gaps are pieces.
    /// </summary>
    public void Split(ReadOnlySpan<char> text, List<(int Start, int End)> pieces, bool isolated = true)
    {
        if (text.IsEmpty) return;
        int[]? map = null;
        ReadOnlySpan<char> subject = text;
        if (ContainsSurrogate(text))
        {
            (char[] shadow, map) = BuildShadow(text);
            subject = shadow;
        }
        int previous = 0;
        foreach (ValueMatch m in _regex.EnumerateMatches(subject))
        {
            if (m.Length == 0) continue;
            int start = map is null ? m.Index : map[m.Index];
            int end = map is null ? m.Index + m.Length : map[m.Index + m.Length];
            if (start > previous) pieces.Add((previous, start));
            if (isolated) pieces.Add((start, end));
            previous = end;
        }
        if (previous < text.Length) pieces.Add((previous, text.Length));
    }

    private static bool ContainsSurrogate(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (char.IsSurrogate(c)) return true;
        }
        return false;
    }

    private static (char[] Shadow, int[] Map) BuildShadow(ReadOnlySpan<char> text)
    {
        var shadow = new char[text.Length];
        var map = new int[text.Length + 1];
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            map[n] = i;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int cp = char.ConvertToUtf32(c, text[i + 1]);
                shadow[n++] = Stand_in(CharUnicodeInfo.GetUnicodeCategory(cp));
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                shadow[n++] = '\uFFFD'; // a lone surrogate is encoded as U+FFFD
            }
            else
            {
                shadow[n++] = c;
            }
        }
        map[n] = text.Length;
        return (shadow.AsSpan(0, n).ToArray(), map);
    }

    /// <summary>A BMP character of the given general category that none of the known patterns names literally.</summary>
    private static char Stand_in(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u0181',
        UnicodeCategory.LowercaseLetter => '\u0180',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u05D0',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.Format => '\u200B',
        UnicodeCategory.PrivateUse => '\uE000',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00B6',
        UnicodeCategory.MathSymbol => '\u00D7',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u02C2',
        UnicodeCategory.OtherSymbol => '\u00A6',
        _ => '\u0378', // unassigned
    };

    /// <summary>Rewrites literal <c>s</c>/<c>S</c> inside <c>(?i:…)</c> groups to also match U+017F.</summary>
    internal static string Translate(string pattern)
    {
        if (!pattern.Contains("(?i", StringComparison.Ordinal)) return pattern;
        var sb = new StringBuilder(pattern.Length + 16);
        int depth = 0;                 // group depth
        var caseless = new Stack<bool>();
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(c).Append(pattern[i + 1]);
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == ']') inClass = false;
                sb.Append(c);
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    break;
                case '(':
                    depth++;
                    bool parent = caseless.Count > 0 && caseless.Peek();
                    caseless.Push(pattern.AsSpan(i).StartsWith("(?i:", StringComparison.Ordinal) || (parent && !pattern.AsSpan(i).StartsWith("(?-i", StringComparison.Ordinal)));
                    sb.Append(c);
                    break;
                case ')':
                    if (depth > 0) { depth--; caseless.Pop(); }
                    sb.Append(c);
                    break;
                case 's' or 'S' when caseless.Count > 0 && caseless.Peek() && !IsInsideGroupHeader(pattern, i):
                    sb.Append("[sS\u017F]");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    // "(?i:" itself contains no 's', but named groups "(?<s>" or options like "(?s:" do; leave group headers alone.
    private static bool IsInsideGroupHeader(string pattern, int i)
    {
        int open = pattern.LastIndexOf("(?", i, StringComparison.Ordinal);
        if (open < 0) return false;
        int colon = pattern.IndexOfAny([':', '>', ')'], open + 2);
        return colon >= i;
    }
}
