using System.Globalization;
using System.Text.Json;

namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>
/// The fields of a transformers <c>tokenizer_config.json</c> that change how a tokenizer loads and encodes — the one
/// reader of that file. Named special tokens (<c>bos_token</c>, …) may be written as a string, as <c>{"content": ...}</c>
/// or as null; <c>added_tokens_decoder</c> maps ids to added tokens with their flags.
/// </summary>
internal sealed class TokenizerConfig
{
    /// <summary>The named special-token fields, in the order transformers registers them.</summary>
    public static readonly string[] NamedTokenFields = ["bos_token", "eos_token", "unk_token", "pad_token"];

    private readonly Dictionary<string, string?> _named = new(StringComparer.Ordinal);

    private TokenizerConfig(string path) => Path = path;

    public string Path { get; }

    public bool? AddBosToken { get; private init; }

    public bool? AddEosToken { get; private init; }

    public bool? Legacy { get; private init; }

    public bool? AddPrefixSpace { get; private init; }

    public bool? CleanUpTokenizationSpaces { get; private init; }

    public string? TokenizerClass { get; private init; }

    /// <summary>The chat template: the string, or the one named "default" of a list of templates.</summary>
    public string? ChatTemplate { get; private init; }

    /// <summary>"added_tokens_decoder": id → token with its flags.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; private init; } = [];

    /// <summary>Whether the class defaults add_bos_token to true (transformers' Llama / Gemma tokenizers).</summary>
    public bool ClassAddsBosByDefault =>
        TokenizerClass is { } c && (c.StartsWith("Llama", StringComparison.Ordinal) || c.StartsWith("CodeLlama", StringComparison.Ordinal)
            || c.StartsWith("Gemma", StringComparison.Ordinal));

    public static TokenizerConfig Read(string path)
    {
        using var file = JsonFile.Open(path);
        JsonElement root = file.RootObject();
        var config = new TokenizerConfig(path)
        {
            AddBosToken = file.OptionalBool(root, "", "add_bos_token"),
            AddEosToken = file.OptionalBool(root, "", "add_eos_token"),
            Legacy = file.OptionalBool(root, "", "legacy"),
            AddPrefixSpace = file.OptionalBool(root, "", "add_prefix_space"),
            CleanUpTokenizationSpaces = file.OptionalBool(root, "", "clean_up_tokenization_spaces"),
            // Informational fields: a value of another kind is ignored rather than fatal.
            TokenizerClass = root.TryGetProperty("tokenizer_class", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
            ChatTemplate = root.TryGetProperty("chat_template", out JsonElement t) ? ReadChatTemplate(t) : null,
            AddedTokens = ReadAddedTokensDecoder(file, root),
        };
        foreach (string field in NamedTokenFields)
        {
            if (!root.TryGetProperty(field, out JsonElement v)) continue;
            config._named[field] = v.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object => file.RequireString(v, field, "content"),
                _ => throw file.Error(field, v, "expected a string, an object with \"content\", or null"),
            };
        }
        return config;
    }

    /// <summary>The tokenizer_config.json in the folder of <paramref name="file"/>, or null when there is none.</summary>
    public static TokenizerConfig? ReadBeside(string file)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)) ?? ".", "tokenizer_config.json");
        return File.Exists(path) ? Read(path) : null;
    }

    /// <summary>Whether the config has the field (e.g. "bos_token"); <paramref name="content"/> is null when it says null.</summary>
    public bool Names(string field, out string? content) => _named.TryGetValue(field, out content);

    private static string? ReadChatTemplate(JsonElement t) => t.ValueKind switch
    {
        JsonValueKind.String => t.GetString(),
        // Some configs hold a list of named templates; the "default" one is the chat template.
        JsonValueKind.Array => t.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String && n.GetString() == "default")
            .Select(e => e.TryGetProperty("template", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null)
            .FirstOrDefault(),
        _ => null,
    };

    private static List<AddedToken> ReadAddedTokensDecoder(JsonFile file, JsonElement root)
    {
        var list = new List<AddedToken>();
        if (file.OptionalObject(root, "", "added_tokens_decoder") is not JsonElement decoder) return list;
        foreach (JsonProperty p in decoder.EnumerateObject())
        {
            string path = $"added_tokens_decoder[{JsonFile.Quote(p.Name)}]";
            if (!int.TryParse(p.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw file.ErrorShown(path, JsonFile.Quote(p.Name), "the key must be a non-negative integer id");
            if (p.Value.ValueKind != JsonValueKind.Object) throw file.Error(path, p.Value, "expected an object");
            list.Add(TokenizerJson.ReadAddedToken(file, p.Value, path, id));
        }
        return list;
    }
}
