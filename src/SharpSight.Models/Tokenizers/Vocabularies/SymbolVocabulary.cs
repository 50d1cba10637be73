using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Core.IO;

namespace SharpSight.Models.Tokenizers.Vocabularies;

/// <summary>
/// The vocabulary shared by <see cref="CharacterTokenizer"/> and <see cref="WordTokenizer"/>: an ordered token list (id =
/// index), up to four named special tokens (BOS, EOS, PAD, UNK) and whether BOS / EOS are added when encoding; saved as a
/// small JSON file.
/// </summary>
internal sealed class SymbolVocabulary
{
    public const int FormatVersion = 1;

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int> _special;
    private readonly HashSet<int> _specialIds;

    /// <summary>Builds the vocabulary; special tokens missing from <paramref name="tokens"/> are appended (BOS, EOS, PAD, UNK order).</summary>
    /// <param name="kind">"character" or "word", for messages and the file.</param>
    /// <param name="tokens">The tokens; a token's id is its index.</param>
    /// <param name="bos">BOS token text, or null.</param>
    /// <param name="eos">EOS token text, or null.</param>
    /// <param name="pad">PAD token text, or null.</param>
    /// <param name="unk">UNK token text, or null.</param>
    /// <param name="addBos">Whether encoding adds BOS.</param>
    /// <param name="addEos">Whether encoding adds EOS.</param>
    /// <param name="isValidSymbol">Checks an ordinary (non-special) token, returning a reason when it is not valid.</param>
    /// <param name="source">Names the origin in error messages (a file path, or "the token list").</param>
    public SymbolVocabulary(string kind, IEnumerable<string> tokens, string? bos, string? eos, string? pad, string? unk,
        bool addBos, bool addEos, Func<string, string?> isValidSymbol, string source)
    {
        Kind = kind;
        var list = new List<string>();
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in tokens)
        {
            if (token is null) throw Invalid(source, $"tokens[{list.Count}]", "is null");
            if (!_ids.TryAdd(token, list.Count)) throw Invalid(source, $"tokens[{list.Count}]", $"{Show(token)} is a duplicate of tokens[{_ids[token]}]");
            list.Add(token);
        }
        _special = new Dictionary<string, int>(StringComparer.Ordinal);
        int? Special(string? name, string field)
        {
            if (name is null) return null;
            if (name.Length == 0) throw Invalid(source, field, "is empty");
            if (!_ids.TryGetValue(name, out int id))
            {
                id = list.Count;
                list.Add(name);
                _ids[name] = id;
            }
            _special[name] = id;
            return id;
        }
        BosId = Special(bos, "bos_token");
        EosId = Special(eos, "eos_token");
        PadId = Special(pad, "pad_token");
        UnkId = Special(unk, "unk_token");
        if (addBos && BosId is null) throw Invalid(source, "add_bos_token", "is true but there is no bos_token");
        if (addEos && EosId is null) throw Invalid(source, "add_eos_token", "is true but there is no eos_token");
        AddBos = addBos;
        AddEos = addEos;
        _specialIds = [.. _special.Values];
        for (int i = 0; i < list.Count; i++)
        {
            if (_specialIds.Contains(i)) continue;
            if (isValidSymbol(list[i]) is { } reason) throw Invalid(source, $"tokens[{i}]", $"{Show(list[i])} {reason}");
        }
        if (list.Count == 0) throw Invalid(source, "tokens", "is empty");
        Tokens = list;
        BosToken = bos; EosToken = eos; PadToken = pad; UnkToken = unk;
    }

    public string Kind { get; }
    public IReadOnlyList<string> Tokens { get; }
    public string? BosToken { get; }
    public string? EosToken { get; }
    public string? PadToken { get; }
    public string? UnkToken { get; }
    public int? BosId { get; }
    public int? EosId { get; }
    public int? PadId { get; }
    public int? UnkId { get; }
    public bool AddBos { get; }
    public bool AddEos { get; }
    public IReadOnlyDictionary<string, int> SpecialTokens => _special;

    public bool IsSpecial(int id) => _specialIds.Contains(id);

    /// <summary>The id of an ordinary (non-special) token.</summary>
    public bool TryGetSymbol(string token, out int id) => _ids.TryGetValue(token, out id) && !_specialIds.Contains(id);

    /// <summary>The id of a special token by its text.</summary>
    public bool TryGetSpecial(string token, out int id) => _special.TryGetValue(token, out id);

    public int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)Tokens.Count ? Tokens[id] : null;

    /// <summary>The token of an id for decoding; an id outside the vocabulary is an error.</summary>
    public string DecodeToken(int id) =>
        IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is outside the {Kind} vocabulary (0..{Tokens.Count - 1})");

    /// <summary>Wraps the text's tokens with BOS / EOS when requested and configured.</summary>
    public TokenEncoding Finish(List<int> ids, List<(int, int)> offsets, int textLength, bool addSpecialTokens)
    {
        if (addSpecialTokens && AddBos)
        {
            ids.Insert(0, BosId!.Value);
            offsets.Insert(0, (0, 0));
        }
        if (addSpecialTokens && AddEos)
        {
            ids.Add(EosId!.Value);
            offsets.Add((textLength, textLength));
        }
        var tokens = new string[ids.Count];
        for (int i = 0; i < ids.Count; i++) tokens[i] = Tokens[ids[i]];
        return new TokenEncoding(ids.ToArray(), tokens, offsets.ToArray());
    }

    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = new JsonObject
        {
            ["format"] = "sharpsight-vocabulary",
            ["version"] = FormatVersion,
            ["kind"] = Kind,
            ["tokens"] = new JsonArray([.. Tokens.Select(t => (JsonNode?)JsonValue.Create(t))]),
            ["bos_token"] = BosToken,
            ["eos_token"] = EosToken,
            ["pad_token"] = PadToken,
            ["unk_token"] = UnkToken,
            ["add_bos_token"] = AddBos,
            ["add_eos_token"] = AddEos,
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads a vocabulary file written by <see cref="Save"/>; any problem is a TokenizerException naming the file and field.</summary>
    public static SymbolVocabulary Load(string path, string expectedKind, Func<string, string?> isValidSymbol)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = JsonFile.Open(path);
        JsonElement root = file.RootObject();
        string format = file.RequireString(root, "", "format");
        if (format != "sharpsight-vocabulary") throw file.ErrorShown("format", JsonFile.Quote(format), "expected \"sharpsight-vocabulary\"");
        int version = file.RequireInt(root, "", "version");
        if (version != FormatVersion) throw file.ErrorShown("version", version.ToString(CultureInfo.InvariantCulture), $"not supported (expected {FormatVersion})");
        string kind = file.RequireString(root, "", "kind");
        if (kind != expectedKind) throw file.ErrorShown("kind", JsonFile.Quote(kind), $"expected {JsonFile.Quote(expectedKind)}");
        var tokens = new List<string>();
        foreach (JsonElement token in file.RequireArray(root, "", "tokens").EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.String) throw file.Error($"tokens[{tokens.Count}]", token, "expected a string");
            tokens.Add(token.GetString()!);
        }
        return new SymbolVocabulary(kind, tokens,
            file.OptionalString(root, "", "bos_token"), file.OptionalString(root, "", "eos_token"),
            file.OptionalString(root, "", "pad_token"), file.OptionalString(root, "", "unk_token"),
            file.OptionalBool(root, "", "add_bos_token", false), file.OptionalBool(root, "", "add_eos_token", false), isValidSymbol, path);
    }

    public static TokenizerException Invalid(string source, string field, string problem) => new($"{source}: {field}: {problem}");

    /// <summary>A token or character written for a message: quoted, with invisible characters as \uXXXX.</summary>
    public static string Show(string text)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (System.Text.Rune r in text.EnumerateRunes())
        {
            if (System.Text.Rune.IsControl(r) || System.Text.Rune.IsWhiteSpace(r) && r.Value != ' ' || System.Text.Rune.GetUnicodeCategory(r) is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse)
                sb.Append(CultureInfo.InvariantCulture, $"\\u{r.Value:X4}");
            else
                sb.Append(r.ToString());
        }
        return sb.Append('"').ToString();
    }
}
