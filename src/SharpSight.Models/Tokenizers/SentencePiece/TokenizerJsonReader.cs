using System.Text.Json;
using System.Text.RegularExpressions;
using SharpSight.Models.Tokenizers.Bpe;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>
/// Reads a Hugging Face tokenizer.json with a BPE model into a <see cref="SentencePieceBpeTokenizer"/>: the shared
/// sections through <see cref="TokenizerJson"/>, and this family's normalizers (Prepend, Replace), pre-tokenizers
/// (Metaspace, Split) and decoders (Replace, ByteFallback, Fuse, Strip, Metaspace).
/// </summary>
internal static class TokenizerJsonReader
{
    public static SentencePieceBpeTokenizer Read(string path, string? configPath)
    {
        TokenizerConfig? config = configPath is null ? null : TokenizerConfig.Read(configPath);
        using var file = JsonFile.Open(path);
        JsonElement root = file.RootObject();
        BpeModel model = TokenizerJson.ReadModel(file, root);
        List<AddedToken> added = TokenizerJson.ReadAddedTokens(file, root);
        TextNormalizer? normalizer = Section(file, root, "normalizer", ReadNormalizer);
        PreTokenizer? preTokenizer = Section(file, root, "pre_tokenizer", ReadPreTokenizer);
        TokenDecoder? decoder = Section(file, root, "decoder", ReadDecoder);
        Template? template = TokenizerJson.ReadPostProcessor(file, root, byteLevelSupported: false).Template;

        BpeParts parts = BpeTokenizer.Assemble(path, model, added, normalizer is null ? null : normalizer.Normalize, config, template,
            TokenizerJson.DefaultSpecialIds(file, root, template, added), addBosByDefault: null);
        return new SentencePieceBpeTokenizer(parts, normalizer, preTokenizer, decoder, config?.CleanUpTokenizationSpaces ?? false);
    }

    private static T? Section<T>(JsonFile file, JsonElement root, string name, Func<JsonFile, JsonElement, string, T?> read) where T : class =>
        root.TryGetProperty(name, out JsonElement e) ? read(file, e, name) : null;

    private static (string? Literal, Regex? Regex) ReadPattern(JsonFile file, JsonElement e, string field)
    {
        JsonElement pattern = file.Require(e, field, "pattern");
        if (pattern.ValueKind == JsonValueKind.String) return (pattern.GetString(), null);
        if (pattern.ValueKind == JsonValueKind.Object)
        {
            if (pattern.TryGetProperty("String", out JsonElement s) && s.ValueKind == JsonValueKind.String) return (s.GetString(), null);
            if (pattern.TryGetProperty("Regex", out JsonElement r) && r.ValueKind == JsonValueKind.String)
            {
                try
                {
                    return (null, new Regex(r.GetString()!, RegexOptions.CultureInvariant));
                }
                catch (ArgumentException ex)
                {
                    throw file.Error(field + ".pattern.Regex", r, $"not a valid regular expression ({JsonFile.OneLine(ex.Message)})");
                }
            }
        }
        throw file.Error(field + ".pattern", pattern, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    /// <summary>The non-null steps of a Sequence's list.</summary>
    private static List<T> Steps<T>(JsonFile file, JsonElement e, string field, string list, Func<JsonFile, JsonElement, string, T?> read) where T : class
    {
        var steps = new List<T>();
        int i = 0;
        foreach (JsonElement step in file.RequireArray(e, field, list).EnumerateArray())
        {
            if (read(file, step, $"{field}.{list}[{i++}]") is { } s) steps.Add(s);
        }
        return steps;
    }

    private static TextNormalizer? ReadNormalizer(JsonFile file, JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Null ? null : file.RequireString(e, field, "type") switch
        {
            "Sequence" => new SequenceNormalizer(Steps(file, e, field, "normalizers", ReadNormalizer)),
            "Prepend" => new PrependNormalizer(file.RequireString(e, field, "prepend")),
            "Replace" => ReadReplace(file, e, field),
            var type => throw file.ErrorShown(field + ".type", JsonFile.Quote(type), "unsupported normalizer (supported: Sequence, Prepend, Replace)"),
        };

    private static ReplaceNormalizer ReadReplace(JsonFile file, JsonElement e, string field)
    {
        var (literal, regex) = ReadPattern(file, e, field);
        return new ReplaceNormalizer(literal, regex, file.RequireString(e, field, "content"));
    }

    private static PrependScheme ReadScheme(JsonFile file, JsonElement e, string field)
    {
        string? scheme = file.OptionalString(e, field, "prepend_scheme");
        if (file.OptionalBool(e, field, "add_prefix_space") == false) return PrependScheme.Never;   // older files
        return scheme switch
        {
            null or "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            _ => throw file.ErrorShown(field + ".prepend_scheme", JsonFile.Quote(scheme), "expected \"first\", \"always\" or \"never\""),
        };
    }

    private static char ReadReplacement(JsonFile file, JsonElement e, string field)
    {
        string replacement = file.RequireString(e, field, "replacement");
        if (replacement.Length != 1) throw file.ErrorShown(field + ".replacement", JsonFile.Quote(replacement), "expected a single character");
        return replacement[0];
    }

    private static PreTokenizer? ReadPreTokenizer(JsonFile file, JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Null ? null : file.RequireString(e, field, "type") switch
        {
            "Sequence" => new SequencePreTokenizer(Steps(file, e, field, "pretokenizers", ReadPreTokenizer)),
            "Metaspace" => new MetaspacePreTokenizer(ReadReplacement(file, e, field), ReadScheme(file, e, field), file.OptionalBool(e, field, "split", true)),
            "Split" => ReadSplit(file, e, field),
            var type => throw file.ErrorShown(field + ".type", JsonFile.Quote(type), "unsupported pre-tokenizer (supported: Metaspace, Split, Sequence)"),
        };

    private static SplitPreTokenizer ReadSplit(JsonFile file, JsonElement e, string field)
    {
        var (literal, regex) = ReadPattern(file, e, field);
        string behavior = file.RequireString(e, field, "behavior");
        SplitBehavior b = behavior.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "removed" => SplitBehavior.Removed,
            "isolated" => SplitBehavior.Isolated,
            "mergedwithprevious" => SplitBehavior.MergedWithPrevious,
            "mergedwithnext" => SplitBehavior.MergedWithNext,
            "contiguous" => SplitBehavior.Contiguous,
            _ => throw file.ErrorShown(field + ".behavior", JsonFile.Quote(behavior), "not a split behavior"),
        };
        return new SplitPreTokenizer(literal, regex, b, file.OptionalBool(e, field, "invert", false));
    }

    private static TokenDecoder? ReadDecoder(JsonFile file, JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Null ? null : file.RequireString(e, field, "type") switch
        {
            "Sequence" => new SequenceDecoder(Steps(file, e, field, "decoders", ReadDecoder)),
            "Replace" => new ReplaceDecoder(ReadReplace(file, e, field)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => ReadStrip(file, e, field),
            "Metaspace" => new MetaspaceDecoder(ReadReplacement(file, e, field), ReadScheme(file, e, field)),
            var type => throw file.ErrorShown(field + ".type", JsonFile.Quote(type), "unsupported decoder (supported: Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace)"),
        };

    private static StripDecoder ReadStrip(JsonFile file, JsonElement e, string field)
    {
        string content = file.RequireString(e, field, "content");
        if (content.Length == 0) throw file.ErrorShown(field + ".content", "\"\"", "expected a character to strip");
        return new StripDecoder(content, file.RequireInt(e, field, "start"), file.RequireInt(e, field, "stop"));
    }
}
