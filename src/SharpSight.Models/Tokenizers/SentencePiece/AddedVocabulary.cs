using System.Globalization;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>An HF added token ("added_tokens" in tokenizer.json).</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip = false, bool RStrip = false, bool SingleWord = false);

/// <summary>
/// Splits text on added tokens as HF's AddedVocabulary does: tokens with "normalized": false are found in the original
/// text, the others in the normalized text (by their normalized form); matching is leftmost-longest and non-overlapping;
/// special tokens are skipped (left as text) unless special-token parsing is on.
/// </summary>
internal sealed class AddedVocabulary
{
    private readonly Matcher _original;
    private readonly Matcher _normalized;

    public AddedVocabulary(IReadOnlyList<AddedToken> tokens, TextNormalizer? normalizer)
    {
        Tokens = tokens;
        _original = new Matcher(tokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        _normalized = new Matcher(tokens.Where(t => t.Normalized).Select(t => (normalizer is null ? t.Content : normalizer.Normalize(t.Content), t)));
    }

    public IReadOnlyList<AddedToken> Tokens { get; }

    /// <summary>Splits on tokens that match the original text.</summary>
    public void SplitOriginal(AlignedString piece, bool parseSpecial, List<(AlignedString Piece, AddedToken? Token)> output) =>
        _original.Split(piece, parseSpecial, output);

    /// <summary>Splits on tokens that match the normalized text.</summary>
    public void SplitNormalized(AlignedString piece, bool parseSpecial, List<(AlignedString Piece, AddedToken? Token)> output) =>
        _normalized.Split(piece, parseSpecial, output);

    private sealed class Matcher
    {
        // Patterns by first character, longest first.
        private readonly Dictionary<char, (string Pattern, AddedToken Token)[]> _byFirst;

        public Matcher(IEnumerable<(string Pattern, AddedToken Token)> patterns)
        {
            _byFirst = patterns
                .Where(p => p.Pattern.Length > 0)
                .GroupBy(p => p.Pattern[0])
                .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Pattern.Length).ToArray());
        }

        public void Split(AlignedString piece, bool parseSpecial, List<(AlignedString Piece, AddedToken? Token)> output)
        {
            string text = piece.Text;
            if (_byFirst.Count == 0 || text.Length == 0)
            {
                output.Add((piece, null));
                return;
            }
            int startOffset = 0;
            int p = 0;
            while (p < text.Length)
            {
                (string Pattern, AddedToken Token)? hit = null;
                if (_byFirst.TryGetValue(text[p], out var candidates))
                {
                    foreach (var candidate in candidates)
                    {
                        if (string.CompareOrdinal(text, p, candidate.Pattern, 0, candidate.Pattern.Length) == 0
                            && p + candidate.Pattern.Length <= text.Length)
                        {
                            hit = candidate;
                            break;
                        }
                    }
                }
                if (hit is null) { p++; continue; }

                int start = p, stop = p + hit.Value.Pattern.Length;
                p = stop;  // matching resumes after this match whether or not it is used
                AddedToken token = hit.Value.Token;
                if (token.Special && !parseSpecial) continue;
                if (token.SingleWord)
                {
                    bool startSpace = start == 0 || !IsWordChar(text, start - 1, before: true);
                    bool stopSpace = stop == text.Length || !IsWordChar(text, stop, before: false);
                    if (!startSpace || !stopSpace) continue;
                }
                if (token.LStrip)
                {
                    int newStart = start;
                    while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1])) newStart--;
                    start = Math.Max(newStart, startOffset);
                }
                if (token.RStrip)
                {
                    while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
                    p = Math.Max(p, stop);
                }
                if (startOffset < start) output.Add((piece.Slice(startOffset, start), null));
                output.Add((piece.Slice(start, stop), token));
                startOffset = stop;
            }
            if (startOffset < text.Length) output.Add((piece.Slice(startOffset, text.Length), null));
        }

        // Rust regex \w: letters, marks, decimal digits, connector punctuation.
        private static bool IsWordChar(string text, int index, bool before)
        {
            int at = index;
            if (before && char.IsLowSurrogate(text[at]) && at > 0 && char.IsHighSurrogate(text[at - 1])) at--;
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(text, at);
            return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.ConnectorPunctuation;
        }
    }
}
