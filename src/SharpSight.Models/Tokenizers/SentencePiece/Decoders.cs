using System.Globalization;
using System.Text;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>One HF decoder step: maps the list of token strings to a new list; the final text is their concatenation.</summary>
internal abstract class TokenDecoder
{
    public abstract List<string> DecodeChain(List<string> tokens);

    public string Decode(List<string> tokens) => string.Concat(DecodeChain(tokens));
}

/// <summary>HF <c>Replace</c> decoder: replaces a pattern in every token.</summary>
internal sealed class ReplaceDecoder(ReplaceNormalizer replace) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        foreach (string token in tokens)
        {
            var matches = replace.FindMatches(token);
            if (matches.Count == 0) { result.Add(token); continue; }
            var sb = new StringBuilder(token.Length);
            int position = 0;
            foreach ((int start, int end) in matches)
            {
                sb.Append(token, position, start - position).Append(replace.Content);
                position = end;
            }
            sb.Append(token, position, token.Length - position);
            result.Add(sb.ToString());
        }
        return result;
    }
}

/// <summary>
/// HF <c>ByteFallback</c>: runs of "&lt;0xNN&gt;" tokens become the UTF-8 text they spell; a run that is not valid UTF-8
/// becomes one U+FFFD per byte.
/// </summary>
internal sealed class ByteFallbackDecoder : TokenDecoder
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            if (TryParseByte(token, out byte b))
            {
                bytes.Add(b);
                continue;
            }
            Flush(bytes, result);
            result.Add(token);
        }
        Flush(bytes, result);
        return result;
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0) return;
        try
        {
            result.Add(Strict.GetString([.. bytes]));
        }
        catch (DecoderFallbackException)
        {
            for (int i = 0; i < bytes.Count; i++) result.Add("\uFFFD");
        }
        bytes.Clear();
    }

    internal static bool TryParseByte(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>HF <c>Fuse</c>: joins all tokens into one.</summary>
internal sealed class FuseDecoder : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];
}

/// <summary>HF <c>Strip</c>: removes up to <c>start</c> leading and <c>stop</c> trailing occurrences of a character from every token.</summary>
internal sealed class StripDecoder(string content, int start, int stop) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        foreach (string token in tokens)
        {
            int[] starts = StringInfoIndexes(token);   // start of every code point
            int count = starts.Length;
            int cutStart = 0;
            for (int i = 0; i < Math.Min(start, count); i++)
            {
                if (CodePointAt(token, starts, i) == content) cutStart = i + 1;
                else break;
            }
            int cutStop = count;
            for (int i = 0; i < Math.Min(stop, count); i++)
            {
                int index = count - i - 1;
                if (CodePointAt(token, starts, index) == content) cutStop = index;
                else break;
            }
            if (cutStop < cutStart) cutStop = cutStart;
            int from = cutStart < count ? starts[cutStart] : token.Length;
            int to = cutStop < count ? starts[cutStop] : token.Length;
            result.Add(token[from..to]);
        }
        return result;
    }

    private static string CodePointAt(string token, int[] starts, int i)
    {
        int end = i + 1 < starts.Length ? starts[i + 1] : token.Length;
        return token[starts[i]..end];
    }

    private static int[] StringInfoIndexes(string s)
    {
        var list = new List<int>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            list.Add(i);
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
        }
        return [.. list];
    }
}

/// <summary>
/// HF <c>Metaspace</c> decoder: the replacement character becomes a space, except in the first token (when the prepend
/// scheme is not "never"), where it is dropped.
/// </summary>
internal sealed class MetaspaceDecoder(char replacement, PrependScheme scheme) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            result.Add(i == 0 && scheme != PrependScheme.Never
                ? token.Replace(replacement.ToString(), "", StringComparison.Ordinal)
                : token.Replace(replacement, ' '));
        }
        return result;
    }
}

/// <summary>HF <c>Sequence</c> of decoders, applied in order.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<TokenDecoder> steps) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        foreach (TokenDecoder step in steps) tokens = step.DecodeChain(tokens);
        return tokens;
    }
}
