using System.Text.RegularExpressions;
using SharpSight.Models.Tokenizers.Bpe;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>HF Metaspace <c>prepend_scheme</c>.</summary>
internal enum PrependScheme
{
    /// <summary>Prepend the replacement to every piece that does not start with it.</summary>
    Always,
    /// <summary>Only to the piece that starts the input (original offset 0), if it does not start with it.</summary>
    First,
    /// <summary>Never prepend.</summary>
    Never,
}

/// <summary>HF <c>SplitDelimiterBehavior</c>.</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

/// <summary>One pre-tokenization step: cuts a normalized piece into words that BPE then encodes separately.</summary>
internal abstract class PreTokenizer
{
    public abstract void Split(AlignedString piece, List<AlignedString> words);

    /// <summary>
    /// Cuts <paramref name="piece"/> by the matched ranges according to <paramref name="behavior"/>, as HF's
    /// NormalizedString::split does; empty pieces are dropped.
    /// </summary>
    protected static void SplitByMatches(AlignedString piece, List<(int Start, int End)> matchRanges, SplitBehavior behavior, bool invert, List<AlignedString> words)
    {
        // Alternating (range, isMatch) segments covering the whole text.
        var segments = new List<(int Start, int End, bool IsMatch)>();
        int position = 0;
        foreach ((int start, int end) in matchRanges)
        {
            if (start > position) segments.Add((position, start, invert));
            segments.Add((start, end, !invert));
            position = end;
        }
        if (position < piece.Length || segments.Count == 0) segments.Add((position, piece.Length, invert));

        var kept = new List<(int Start, int End)>();
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var s in segments) kept.Add((s.Start, s.End));
                break;
            case SplitBehavior.Removed:
                foreach (var s in segments) if (!s.IsMatch) kept.Add((s.Start, s.End));
                break;
            case SplitBehavior.Contiguous:
            {
                bool previous = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch == previous && kept.Count > 0) kept[^1] = (kept[^1].Start, s.End);
                    else kept.Add((s.Start, s.End));
                    previous = s.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithPrevious:
            {
                bool previous = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch && !previous && kept.Count > 0) kept[^1] = (kept[^1].Start, s.End);
                    else kept.Add((s.Start, s.End));
                    previous = s.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                bool previous = false;
                for (int i = segments.Count - 1; i >= 0; i--)
                {
                    var s = segments[i];
                    if (s.IsMatch && !previous && kept.Count > 0) kept[^1] = (s.Start, kept[^1].End);
                    else kept.Add((s.Start, s.End));
                    previous = s.IsMatch;
                }
                kept.Reverse();
                break;
            }
        }
        foreach ((int start, int end) in kept)
        {
            if (end > start) words.Add(piece.Slice(start, end));
        }
    }
}

/// <summary>
/// HF <c>Metaspace</c>: replaces spaces with the replacement character, prepends it according to the scheme and, when
/// <c>split</c> is set, cuts before every replacement character.
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split) : PreTokenizer
{
    public char Replacement { get; } = replacement;

    public PrependScheme Scheme { get; } = scheme;

    public bool SplitWords { get; } = split;

    public override void Split(AlignedString piece, List<AlignedString> words)
    {
        string rep = Replacement.ToString();
        piece = piece.Replace(AlignedString.FindAll(piece.Text, " "), rep);
        bool startsWithReplacement = piece.Length > 0 && piece.Text[0] == Replacement;
        if (Scheme == PrependScheme.Always && !startsWithReplacement
            || Scheme == PrependScheme.First && !startsWithReplacement && piece.OriginalStart == 0)
        {
            piece = piece.Prepend(rep);
        }
        if (!SplitWords)
        {
            if (piece.Length > 0) words.Add(piece);
            return;
        }
        SplitByMatches(piece, AlignedString.FindAll(piece.Text, rep), SplitBehavior.MergedWithNext, invert: false, words);
    }
}

/// <summary>HF <c>Split</c> with a string or regular-expression pattern.</summary>
internal sealed class SplitPreTokenizer(string? literal, Regex? regex, SplitBehavior behavior, bool invert) : PreTokenizer
{
    public override void Split(AlignedString piece, List<AlignedString> words)
    {
        List<(int Start, int End)> matches;
        if (literal is not null)
        {
            matches = AlignedString.FindAll(piece.Text, literal);
        }
        else
        {
            matches = [];
            foreach (Match m in regex!.Matches(piece.Text))
            {
                if (m.Length > 0) matches.Add((m.Index, m.Index + m.Length));
            }
        }
        SplitByMatches(piece, matches, behavior, invert, words);
    }
}

/// <summary>HF <c>Sequence</c> of pre-tokenizers: each one splits the words of the previous.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizer> steps) : PreTokenizer
{
    public override void Split(AlignedString piece, List<AlignedString> words)
    {
        var current = new List<AlignedString> { piece };
        foreach (PreTokenizer step in steps)
        {
            var next = new List<AlignedString>();
            foreach (AlignedString word in current) step.Split(word, next);
            current = next;
        }
        words.AddRange(current);
    }
}
