namespace SharpSight.Models.Tokenizers;

/// <summary>
/// The result of encoding: ids, their vocabulary strings, and for each token the span of input characters it came from
/// as [Start, End) UTF-16 indices into the input string. Tokens added by the post-processor (e.g. BOS) have an empty span
/// (Start == End); tokens that share a character (byte-fallback pieces of one emoji) share its span.
/// </summary>
public sealed record TokenEncoding(IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens, IReadOnlyList<(int Start, int End)> Offsets)
{
    /// <summary>Number of tokens.</summary>
    public int Count => Ids.Count;
}
