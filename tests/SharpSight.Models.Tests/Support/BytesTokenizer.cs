using System.Text;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Models.Tests.Support;

/// <summary>A minimal test tokenizer: ids 0-255 are UTF-8 bytes, 256 is end-of-sequence.</summary>
public sealed class BytesTokenizer : ITokenizer
{
    public int VocabSize => 257;
    public int? BosId => null;
    public int? EosId => 256;
    public int? PadId => null;
    public IReadOnlyDictionary<string, int> SpecialTokens { get; } = new Dictionary<string, int> { ["<eos>"] = 256 };

    public TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false)
    {
        int[] ids = Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();
        return new TokenEncoding(ids, ids.Select(i => ((char)i).ToString()).ToArray(), ids.Select((_, i) => (i, i + 1)).ToArray());
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        Encoding.UTF8.GetString(ids.Where(i => i < 256).Select(i => (byte)i).ToArray()) +
        (skipSpecialTokens ? "" : string.Concat(ids.Where(i => i == 256).Select(_ => "<eos>")));

    public string? IdToToken(int id) => id < 256 ? ((char)id).ToString() : id == 256 ? "<eos>" : null;
    public int? TokenToId(string token) => token == "<eos>" ? 256 : token.Length == 1 && token[0] < 256 ? token[0] : null;
}
