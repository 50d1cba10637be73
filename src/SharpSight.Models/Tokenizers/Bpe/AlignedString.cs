using System.Text;

namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>
/// A piece of normalized text that remembers, for every UTF-16 unit, which span of the original input it came from
/// (the equivalent of Hugging Face's NormalizedString), shared by the normalizers of both BPE families. Characters
/// inserted by a normalizer (the "▁" dummy prefix) have an empty span at the position where they were inserted; replaced
/// characters keep the span of what they replaced; both units of a surrogate pair span the whole pair.
/// </summary>
internal sealed class AlignedString
{
    private int[]? _starts;
    private int[]? _ends;

    private AlignedString(string text, int[]? starts, int[]? ends, int originalStart)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
        OriginalStart = originalStart;
    }

    /// <summary>The normalized text.</summary>
    public string Text { get; }

    /// <summary>Original start of each UTF-16 unit of <see cref="Text"/>.</summary>
    public int[] Starts
    {
        get
        {
            if (_starts is null) Materialize();
            return _starts!;
        }
    }

    /// <summary>Original end of each UTF-16 unit of <see cref="Text"/>.</summary>
    public int[] Ends
    {
        get
        {
            if (_ends is null) Materialize();
            return _ends!;
        }
    }

    /// <summary>Where this piece begins in the original input (also when the text is empty).</summary>
    public int OriginalStart { get; }

    public int Length => Text.Length;

    /// <summary>The original text [start, end) with the identity alignment.</summary>
    public static AlignedString FromOriginal(string original, int start, int end) => Identity(original.Substring(start, end - start), start);

    /// <summary>
    /// <paramref name="text"/> standing for the same number of input units from <paramref name="offset"/> on (a surrogate
    /// pair maps both units to the pair). The span arrays are only built if asked for: the byte-level family reads
    /// single spans of unnormalized text through <see cref="StartOf"/> and <see cref="EndOf"/>.
    /// </summary>
    public static AlignedString Identity(string text, int offset) => new(text, null, null, offset);

    /// <summary>A text with explicit per-unit spans (a normalizer that tracked them itself).</summary>
    public static AlignedString FromSpans(string text, int[] starts, int[] ends, int originalStart) => new(text, starts, ends, originalStart);

    /// <summary>Original start of unit <paramref name="i"/>.</summary>
    public int StartOf(int i) =>
        _starts is not null ? _starts[i] : OriginalStart + (i > 0 && char.IsLowSurrogate(Text[i]) && char.IsHighSurrogate(Text[i - 1]) ? i - 1 : i);

    /// <summary>Original end of unit <paramref name="i"/>.</summary>
    public int EndOf(int i) =>
        _ends is not null ? _ends[i] : OriginalStart + (char.IsHighSurrogate(Text[i]) && i + 1 < Text.Length && char.IsLowSurrogate(Text[i + 1]) ? i + 2 : i + 1);

    private void Materialize()
    {
        var starts = new int[Text.Length];
        var ends = new int[Text.Length];
        for (int i = 0; i < Text.Length; i++)
        {
            starts[i] = StartOf(i);
            ends[i] = EndOf(i);
        }
        (_starts, _ends) = (starts, ends);
    }

    /// <summary>The units [from, to) of this text, keeping their alignment.</summary>
    public AlignedString Slice(int from, int to)
    {
        int originalStart = from < Text.Length ? Starts[from] : (Text.Length > 0 ? Ends[^1] : OriginalStart);
        return new AlignedString(Text[from..to], Starts[from..to], Ends[from..to], originalStart);
    }

    /// <summary>Inserts <paramref name="prefix"/> before the text; the inserted units get an empty span. No-op on empty text.</summary>
    public AlignedString Prepend(string prefix)
    {
        if (Text.Length == 0 || prefix.Length == 0) return this;
        int at = Starts[0];
        var starts = new int[prefix.Length + Text.Length];
        var ends = new int[starts.Length];
        Array.Fill(starts, at, 0, prefix.Length);
        Array.Fill(ends, at, 0, prefix.Length);
        Starts.CopyTo(starts, prefix.Length);
        Ends.CopyTo(ends, prefix.Length);
        return new AlignedString(prefix + Text, starts, ends, OriginalStart);
    }

    /// <summary>
    /// Replaces the given non-overlapping matches (sorted [start, end) ranges of units) with <paramref name="content"/>; each
    /// unit of the content gets the span covered by the units it replaced.
    /// </summary>
    public AlignedString Replace(IReadOnlyList<(int Start, int End)> matches, string content)
    {
        if (matches.Count == 0) return this;
        var text = new StringBuilder(Text.Length);
        var starts = new List<int>(Text.Length);
        var ends = new List<int>(Text.Length);
        int position = 0;
        foreach ((int start, int end) in matches)
        {
            for (int i = position; i < start; i++)
            {
                text.Append(Text[i]); starts.Add(Starts[i]); ends.Add(Ends[i]);
            }
            int spanStart, spanEnd;
            if (end > start)
            {
                spanStart = Starts[start]; spanEnd = Ends[start];
                for (int i = start + 1; i < end; i++)
                {
                    spanStart = Math.Min(spanStart, Starts[i]);
                    spanEnd = Math.Max(spanEnd, Ends[i]);
                }
            }
            else
            {
                spanStart = spanEnd = start < Text.Length ? Starts[start] : (Text.Length > 0 ? Ends[^1] : OriginalStart);
            }
            foreach (char c in content)
            {
                text.Append(c); starts.Add(spanStart); ends.Add(spanEnd);
            }
            position = end;
        }
        for (int i = position; i < Text.Length; i++)
        {
            text.Append(Text[i]); starts.Add(Starts[i]); ends.Add(Ends[i]);
        }
        return new AlignedString(text.ToString(), [.. starts], [.. ends], OriginalStart);
    }

    /// <summary>All non-overlapping ordinal occurrences of <paramref name="pattern"/>, left to right.</summary>
    public static List<(int Start, int End)> FindAll(string text, string pattern)
    {
        var found = new List<(int, int)>();
        if (pattern.Length == 0) return found;
        int at = 0;
        while (at <= text.Length - pattern.Length)
        {
            int index = text.IndexOf(pattern, at, StringComparison.Ordinal);
            if (index < 0) break;
            found.Add((index, index + pattern.Length));
            at = index + pattern.Length;
        }
        return found;
    }

    /// <summary>
    /// The original span of the units [from, to): from the smallest start to the largest end. A range made only of
    /// inserted units is empty, at the position where they were inserted.
    /// </summary>
    public (int Start, int End) OriginalSpan(int from, int to)
    {
        int start = int.MaxValue, end = int.MinValue;
        for (int i = from; i < to; i++)
        {
            if (Starts[i] == Ends[i]) continue;
            start = Math.Min(start, Starts[i]);
            end = Math.Max(end, Ends[i]);
        }
        if (start == int.MaxValue)
        {
            int at = from < Text.Length ? Starts[from] : OriginalStart;
            return (at, at);
        }
        return (start, end);
    }
}
