using SharpSight.Models.Tokenizers;

namespace SharpSight.Bench;

/// <summary>A stand-in tokenizer for benchmarks that work on ids: "text" is the ids written as numbers.</summary>
internal sealed class IdTokenizer(int vocabSize) : ITokenizer
{
    public int VocabSize => vocabSize;
    public int? BosId => null;
    public int? EosId => null;
    public int? PadId => 0;
    public IReadOnlyDictionary<string, int> SpecialTokens { get; } = new Dictionary<string, int>();

    public TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false)
    {
        int[] ids = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        return new TokenEncoding(ids, ids.Select(i => i.ToString()).ToArray(), ids.Select(_ => (0, 0)).ToArray());
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => string.Join(' ', ids);
    public string? IdToToken(int id) => id.ToString();
    public int? TokenToId(string token) => int.TryParse(token, out int id) ? id : null;
}
