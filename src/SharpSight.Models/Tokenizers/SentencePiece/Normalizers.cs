using System.Text.RegularExpressions;
using SharpSight.Models.Tokenizers.Bpe;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>One normalization step (Hugging Face "normalizer"), keeping the alignment to the original text.</summary>
internal abstract class TextNormalizer
{
    public abstract AlignedString Normalize(AlignedString text);

    /// <summary>The normalized form of a plain string (used for added tokens with "normalized": true).</summary>
    public string Normalize(string text) => Normalize(AlignedString.FromOriginal(text, 0, text.Length)).Text;
}

/// <summary>HF <c>Prepend</c>: puts a prefix before non-empty text.</summary>
internal sealed class PrependNormalizer(string prefix) : TextNormalizer
{
    public string Prefix { get; } = prefix;

    public override AlignedString Normalize(AlignedString text) => text.Prepend(Prefix);
}

/// <summary>HF <c>Replace</c>: replaces every occurrence of a string (or regular expression) with a content string.</summary>
internal sealed class ReplaceNormalizer : TextNormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;

    public ReplaceNormalizer(string? literal, Regex? regex, string content)
    {
        _literal = literal;
        _regex = regex;
        Content = content;
    }

    public string Content { get; }

    public override AlignedString Normalize(AlignedString text) => text.Replace(FindMatches(text.Text), Content);

    public List<(int Start, int End)> FindMatches(string text)
    {
        if (_literal is not null)
        {
            return AlignedString.FindAll(text, _literal);
        }
        var found = new List<(int, int)>();
        foreach (Match m in _regex!.Matches(text))
        {
            if (m.Length > 0) found.Add((m.Index, m.Index + m.Length));
        }
        return found;
    }
}

/// <summary>
/// SentencePiece's <c>remove_extra_whitespaces</c>: drops leading and trailing spaces and squeezes runs of spaces to one.
/// Only the ASCII space counts, as in SentencePiece's identity normalizer.
/// </summary>
internal sealed class SqueezeSpacesNormalizer : TextNormalizer
{
    public override AlignedString Normalize(AlignedString text)
    {
        string s = text.Text;
        var removed = new List<(int Start, int End)>();
        int i = 0;
        while (i < s.Length)
        {
            if (s[i] != ' ') { i++; continue; }
            int j = i;
            while (j < s.Length && s[j] == ' ') j++;
            if (i == 0 || j == s.Length) removed.Add((i, j));   // leading or trailing run: drop all
            else if (j - i > 1) removed.Add((i + 1, j));        // inner run: keep one
            i = j;
        }
        return removed.Count == 0 ? text : text.Replace(removed, "");
    }
}

/// <summary>HF <c>Sequence</c> of normalizers, applied in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<TextNormalizer> steps) : TextNormalizer
{
    public IReadOnlyList<TextNormalizer> Steps { get; } = steps;

    public override AlignedString Normalize(AlignedString text)
    {
        foreach (TextNormalizer step in Steps) text = step.Normalize(text);
        return text;
    }
}
