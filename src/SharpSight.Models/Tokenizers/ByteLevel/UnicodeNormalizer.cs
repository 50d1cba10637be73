using System.Globalization;
using System.Text;
using SharpSight.Models.Tokenizers.Bpe;

namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// The Unicode normalizers of a tokenizer.json (NFC, NFD, NFKC, NFKD, or a Sequence of them), with offsets. Text that a
/// form leaves unchanged keeps exact per-character offsets. Where normalization changes a grapheme cluster, every
/// character of its normalized form is given the whole cluster's input span. (Hugging Face tracks alignments through
/// each composition, so its spans can be narrower inside such clusters; elsewhere they are the same.)
/// </summary>
internal sealed class UnicodeNormalizer
{
    private readonly NormalizationForm[] _forms;

    public UnicodeNormalizer(IReadOnlyList<NormalizationForm> forms) => _forms = [.. forms];

    public static UnicodeNormalizer None { get; } = new([]);

    public bool IsIdentity => _forms.Length == 0;

    public string Normalize(string text)
    {
        string s = ReplaceLoneSurrogates(text);
        foreach (var form in _forms) s = s.Normalize(form);
        return s;
    }

    private bool IsNormalized(string s)
    {
        foreach (var form in _forms)
        {
            if (!s.IsNormalized(form)) return false;
        }
        return true;
    }

    /// <summary>Normalizes input[start..end) and aligns the result to input indices.</summary>
    public AlignedString Apply(string input, int start, int end)
    {
        string piece = ReplaceLoneSurrogates(input.Substring(start, end - start));
        if (IsIdentity || IsNormalized(piece)) return AlignedString.Identity(piece, start);

        var text = new StringBuilder(piece.Length + 8);
        var starts = new List<int>(piece.Length + 8);
        var ends = new List<int>(piece.Length + 8);
        int i = 0;
        while (i < piece.Length)
        {
            int len = StringInfo.GetNextTextElementLength(piece, i);
            if (len <= 0) len = 1;
            string cluster = piece.Substring(i, len);
            if (IsNormalized(cluster))
            {
                for (int k = 0; k < len; k++)
                {
                    text.Append(cluster[k]);
                    starts.Add(start + i + k);
                    ends.Add(start + i + k + 1);
                }
            }
            else
            {
                string normalized = Normalize(cluster);
                foreach (char c in normalized)
                {
                    text.Append(c);
                    starts.Add(start + i);
                    ends.Add(start + i + len);
                }
            }
            i += len;
        }

        string result = text.ToString();
        if (result != Normalize(piece))
        {
            // Normalization reached across cluster boundaries: align everything to the whole piece.
            result = Normalize(piece);
            var s = new int[result.Length];
            var e = new int[result.Length];
            Array.Fill(s, start);
            Array.Fill(e, end);
            return AlignedString.FromSpans(result, s, e, start);
        }
        return AlignedString.FromSpans(result, [.. starts], [.. ends], start);
    }

    /// <summary>Lone surrogates cannot be UTF-8; like .NET's encoder (and Rust's String), treat each as U+FFFD.</summary>
    internal static string ReplaceLoneSurrogates(string s)
    {
        int i = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) break;
        }
        if (i >= s.Length) return s;
        var chars = s.ToCharArray();
        for (int k = 0; k < chars.Length; k++)
        {
            char c = chars[k];
            if (char.IsHighSurrogate(c) && k + 1 < chars.Length && char.IsLowSurrogate(chars[k + 1])) { k++; continue; }
            if (char.IsSurrogate(c)) chars[k] = '\uFFFD';
        }
        return new string(chars);
    }
}
