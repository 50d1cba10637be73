using System.Text.Json;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>The fields of a transformers <c>tokenizer_config.json</c> that change how a tokenizer encodes.</summary>
internal sealed class TokenizerConfig
{
    public required string Path { get; init; }
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }
    public string? UnkToken { get; init; }
    public bool? AddBosToken { get; init; }
    public bool? AddEosToken { get; init; }
    public bool? Legacy { get; init; }
    public bool? AddPrefixSpace { get; init; }
    public string? TokenizerClass { get; init; }
    public bool? CleanUpTokenizationSpaces { get; init; }

    /// <summary>"added_tokens_decoder": id → token with its flags.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>Whether the class defaults add_bos_token to true (transformers' Llama/Gemma tokenizers).</summary>
    public bool ClassAddsBosByDefault =>
        TokenizerClass is { } c && (c.StartsWith("Llama", StringComparison.Ordinal) || c.StartsWith("CodeLlama", StringComparison.Ordinal)
            || c.StartsWith("Gemma", StringComparison.Ordinal));

    public static TokenizerConfig Read(string path)
    {
        JsonDocument doc = JsonFields.Parse(path);
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw JsonFields.Error(path, "$", "the root is not a JSON object");
            var added = new List<AddedToken>();
            if (root.TryGetProperty("added_tokens_decoder", out JsonElement decoder) && decoder.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in decoder.EnumerateObject())
                {
                    if (!int.TryParse(p.Name, out int id) || id < 0)
                        throw JsonFields.Error(path, "added_tokens_decoder", $"key '{p.Name}' is not a token id");
                    string field = $"added_tokens_decoder.{p.Name}";
                    string content = JsonFields.RequiredString(path, p.Value, "content", field);
                    added.Add(new AddedToken(id, content,
                        Special: JsonFields.OptionalBool(path, p.Value, "special", field) ?? false,
                        Normalized: JsonFields.OptionalBool(path, p.Value, "normalized", field) ?? true,
                        LStrip: JsonFields.OptionalBool(path, p.Value, "lstrip", field) ?? false,
                        RStrip: JsonFields.OptionalBool(path, p.Value, "rstrip", field) ?? false,
                        SingleWord: JsonFields.OptionalBool(path, p.Value, "single_word", field) ?? false));
                }
            }
            return new TokenizerConfig
            {
                Path = path,
                BosToken = TokenValue(path, root, "bos_token"),
                EosToken = TokenValue(path, root, "eos_token"),
                PadToken = TokenValue(path, root, "pad_token"),
                UnkToken = TokenValue(path, root, "unk_token"),
                AddBosToken = JsonFields.OptionalBool(path, root, "add_bos_token", ""),
                AddEosToken = JsonFields.OptionalBool(path, root, "add_eos_token", ""),
                Legacy = JsonFields.OptionalBool(path, root, "legacy", ""),
                AddPrefixSpace = JsonFields.OptionalBool(path, root, "add_prefix_space", ""),
                CleanUpTokenizationSpaces = JsonFields.OptionalBool(path, root, "clean_up_tokenization_spaces", ""),
                TokenizerClass = root.TryGetProperty("tokenizer_class", out JsonElement cls) && cls.ValueKind == JsonValueKind.String ? cls.GetString() : null,
                AddedTokens = added,
            };
        }
    }

    /// <summary>A special-token field written as a string, as {"content": ...}, or null.</summary>
    private static string? TokenValue(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => JsonFields.RequiredString(path, value, "content", name),
            _ => throw JsonFields.Error(path, name, $"expected a string or an object with \"content\", found {value.ValueKind}"),
        };
    }
}

/// <summary>Small helpers for reading JSON files with one-line errors that name the file and the field.</summary>
internal static class JsonFields
{
    public static JsonDocument Parse(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerException($"{path}: cannot be read ({e.Message})", e);
        }
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerException($"{path}: invalid JSON ({OneLine(e.Message)})", e);
        }
    }

    public static TokenizerException Error(string path, string field, string problem) =>
        new($"{path}: {(field.Length == 0 ? "" : field + ": ")}{problem}");

    public static string OneLine(string s) => s.ReplaceLineEndings(" ");

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => e.GetRawText(),
    };

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static JsonElement Required(string path, JsonElement obj, string name, string parent)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Error(path, parent, $"expected an object, found {Describe(obj)}");
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            throw Error(path, Join(parent, name), "is missing");
        return value;
    }

    public static string RequiredString(string path, JsonElement obj, string name, string parent)
    {
        JsonElement value = Required(path, obj, name, parent);
        if (value.ValueKind != JsonValueKind.String) throw Error(path, Join(parent, name), $"expected a string, found {Describe(value)}");
        return value.GetString()!;
    }

    public static bool? OptionalBool(string path, JsonElement obj, string name, string parent)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(path, Join(parent, name), $"expected true or false, found {Describe(value)}"),
        };
    }

    public static string? OptionalString(string path, JsonElement obj, string name, string parent)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            _ => throw Error(path, Join(parent, name), $"expected a string, found {Describe(value)}"),
        };
    }

    public static int RequiredInt(string path, JsonElement obj, string name, string parent)
    {
        JsonElement value = Required(path, obj, name, parent);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int n))
            throw Error(path, Join(parent, name), $"expected an integer, found {Describe(value)}");
        return n;
    }
}
