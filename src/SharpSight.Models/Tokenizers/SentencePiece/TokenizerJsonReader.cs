using System.Text.Json;
using System.Text.RegularExpressions;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>Reads a Hugging Face tokenizer.json with a BPE model into a <see cref="SentencePieceBpeTokenizer"/>.</summary>
internal static class TokenizerJsonReader
{
    public static SentencePieceBpeTokenizer Read(string path, string? configPath)
    {
        TokenizerConfig? config = configPath is null ? null : TokenizerConfig.Read(configPath);
        using JsonDocument doc = JsonFields.Parse(path);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw JsonFields.Error(path, "$", "the root is not a JSON object");

        JsonElement modelJson = JsonFields.Required(path, root, "model", "");
        RankedBpeModel model = ReadModel(path, modelJson, out Dictionary<string, int> vocab);

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out JsonElement addedJson) && addedJson.ValueKind != JsonValueKind.Null)
        {
            if (addedJson.ValueKind != JsonValueKind.Array) throw JsonFields.Error(path, "added_tokens", "expected an array");
            int i = 0;
            foreach (JsonElement t in addedJson.EnumerateArray())
            {
                string field = $"added_tokens[{i++}]";
                int id = JsonFields.RequiredInt(path, t, "id", field);
                if (id < 0) throw JsonFields.Error(path, field + ".id", $"negative id {id}");
                added.Add(new AddedToken(id, JsonFields.RequiredString(path, t, "content", field),
                    Special: JsonFields.OptionalBool(path, t, "special", field) ?? false,
                    Normalized: JsonFields.OptionalBool(path, t, "normalized", field) ?? true,
                    LStrip: JsonFields.OptionalBool(path, t, "lstrip", field) ?? false,
                    RStrip: JsonFields.OptionalBool(path, t, "rstrip", field) ?? false,
                    SingleWord: JsonFields.OptionalBool(path, t, "single_word", field) ?? false));
            }
        }
        if (config is not null) MergeConfigTokens(added, config);

        TextNormalizer? normalizer = root.TryGetProperty("normalizer", out JsonElement n) ? ReadNormalizer(path, n, "normalizer") : null;
        PreTokenizer? preTokenizer = root.TryGetProperty("pre_tokenizer", out JsonElement pt) ? ReadPreTokenizer(path, pt, "pre_tokenizer") : null;
        TokenDecoder? decoder = root.TryGetProperty("decoder", out JsonElement d) ? ReadDecoder(path, d, "decoder") : null;
        List<TemplatePiece>? template = root.TryGetProperty("post_processor", out JsonElement pp) ? ReadPostProcessor(path, pp, "post_processor") : null;

        int? TokenId(string? token, string field)
        {
            if (token is null) return null;
            foreach (AddedToken t in added) if (t.Content == token) return t.Id;
            if (vocab.TryGetValue(token, out int id)) return id;
            throw JsonFields.Error(config!.Path, field, $"token \"{token}\" is not in the vocabulary of {path}");
        }

        // BOS/EOS: the config's tokens, else the template's special tokens before / after the sequence, else by name.
        int? bosId = TokenId(config?.BosToken, "bos_token")
            ?? template?.TakeWhile(p => !p.IsSequence).SelectMany(p => p.Ids).Cast<int?>().FirstOrDefault()
            ?? ByName(added, "<s>", "<bos>");
        int? eosId = TokenId(config?.EosToken, "eos_token")
            ?? template?.SkipWhile(p => !p.IsSequence).Skip(1).SelectMany(p => p.Ids).Cast<int?>().FirstOrDefault()
            ?? ByName(added, "</s>", "<eos>");
        int? padId = config is null ? ByName(added, "<pad>") : TokenId(config.PadToken, "pad_token");

        // transformers registers the config's named special tokens as special added tokens (normalized false) when the
        // tokenizer.json does not already list them.
        if (config is not null)
        {
            foreach (string? token in new[] { config.BosToken, config.EosToken, config.UnkToken, config.PadToken })
            {
                if (token is null || added.Exists(t => t.Content == token)) continue;
                if (vocab.TryGetValue(token, out int id)) added.Add(new AddedToken(id, token, Special: true, Normalized: false));
            }
        }

        // transformers rebuilds the post-processor as "[BOS] $A [EOS]": LlamaTokenizerFast / GemmaTokenizerFast always
        // (add_bos_token defaults to true, add_eos_token to false), any other class when the config sets either flag.
        if (config is not null && (config.AddBosToken is not null || config.AddEosToken is not null || config.ClassAddsBosByDefault))
        {
            template = BuildTemplate(config.Path, config.AddBosToken ?? config.ClassAddsBosByDefault, config.AddEosToken ?? false, bosId, eosId,
                id => added.Find(t => t.Id == id)?.Content ?? vocab.First(kv => kv.Value == id).Key);
        }
        template ??= [];

        var tokenizer = new SentencePieceBpeTokenizer(path, model, normalizer, preTokenizer, added, template, decoder, bosId, eosId, padId,
            cleanUpTokenizationSpaces: config?.CleanUpTokenizationSpaces ?? false);
        return tokenizer;
    }

    internal static int? ByName(IReadOnlyList<AddedToken> added, params string[] names)
    {
        foreach (string name in names)
            foreach (AddedToken t in added)
                if (t.Special && t.Content == name) return t.Id;
        return null;
    }

    /// <summary>"added_tokens_decoder" entries of the config override or extend the added tokens (transformers does the same).</summary>
    internal static void MergeConfigTokens(List<AddedToken> added, TokenizerConfig config)
    {
        foreach (AddedToken t in config.AddedTokens)
        {
            int existing = added.FindIndex(a => a.Id == t.Id);
            if (existing >= 0) added[existing] = t;
            else added.Add(t);
        }
    }

    /// <summary>transformers' update_post_processor: "[bos:0] $A:0 [eos:0]".</summary>
    internal static List<TemplatePiece> BuildTemplate(string configPath, bool addBos, bool addEos, int? bosId, int? eosId, Func<int, string> tokenOf)
    {
        var template = new List<TemplatePiece>();
        if (addBos)
        {
            if (bosId is null) throw JsonFields.Error(configPath, "add_bos_token", "is true but there is no bos_token");
            template.Add(new TemplatePiece(false, [bosId.Value], [tokenOf(bosId.Value)]));
        }
        template.Add(TemplatePiece.Sequence);
        if (addEos)
        {
            if (eosId is null) throw JsonFields.Error(configPath, "add_eos_token", "is true but there is no eos_token");
            template.Add(new TemplatePiece(false, [eosId.Value], [tokenOf(eosId.Value)]));
        }
        return template;
    }

    private static RankedBpeModel ReadModel(string path, JsonElement model, out Dictionary<string, int> vocab)
    {
        if (model.ValueKind != JsonValueKind.Object) throw JsonFields.Error(path, "model", $"expected an object, found {JsonFields.Describe(model)}");
        string type = JsonFields.OptionalString(path, model, "type", "model") ?? (model.TryGetProperty("merges", out _) ? "BPE" : "(none)");
        if (type != "BPE")
            throw JsonFields.Error(path, "model.type", $"\"{type}\" is not supported (expected \"BPE\")");

        JsonElement vocabJson = JsonFields.Required(path, model, "vocab", "model");
        if (vocabJson.ValueKind != JsonValueKind.Object) throw JsonFields.Error(path, "model.vocab", $"expected an object of token → id, found {JsonFields.Describe(vocabJson)}");
        vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty p in vocabJson.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int id) || id < 0)
                throw JsonFields.Error(path, "model.vocab", $"token \"{p.Name}\" has id {p.Value.GetRawText()} (expected a non-negative integer)");
            vocab[p.Name] = id;
        }

        JsonElement mergesJson = JsonFields.Required(path, model, "merges", "model");
        if (mergesJson.ValueKind != JsonValueKind.Array) throw JsonFields.Error(path, "model.merges", $"expected an array, found {JsonFields.Describe(mergesJson)}");
        var merges = new Dictionary<long, (int Rank, int NewId)>();
        int rank = 0;
        foreach (JsonElement m in mergesJson.EnumerateArray())
        {
            string a, b;
            if (m.ValueKind == JsonValueKind.String)
            {
                string line = m.GetString()!;
                if (line.StartsWith("#version", StringComparison.Ordinal)) continue;
                string[] parts = line.Split(' ');
                if (parts.Length != 2) throw JsonFields.Error(path, $"model.merges[{rank}]", $"\"{line}\" is not two tokens separated by one space");
                (a, b) = (parts[0], parts[1]);
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                     && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
            {
                (a, b) = (m[0].GetString()!, m[1].GetString()!);
            }
            else
            {
                throw JsonFields.Error(path, $"model.merges[{rank}]", $"expected \"a b\" or [\"a\", \"b\"], found {JsonFields.Describe(m)}");
            }
            if (!vocab.TryGetValue(a, out int aId)) throw JsonFields.Error(path, $"model.merges[{rank}]", $"token \"{a}\" is not in model.vocab");
            if (!vocab.TryGetValue(b, out int bId)) throw JsonFields.Error(path, $"model.merges[{rank}]", $"token \"{b}\" is not in model.vocab");
            if (!vocab.TryGetValue(a + b, out int newId)) throw JsonFields.Error(path, $"model.merges[{rank}]", $"merged token \"{a + b}\" is not in model.vocab");
            merges[RankedBpeModel.PairKey(aId, bId)] = (rank, newId);  // a repeated pair keeps its last rank, as in HF
            rank++;
        }

        if (JsonFields.OptionalString(path, model, "continuing_subword_prefix", "model") is { Length: > 0 } prefix)
            throw JsonFields.Error(path, "model.continuing_subword_prefix", $"\"{prefix}\" is not supported");
        if (JsonFields.OptionalString(path, model, "end_of_word_suffix", "model") is { Length: > 0 } suffix)
            throw JsonFields.Error(path, "model.end_of_word_suffix", $"\"{suffix}\" is not supported");
        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
            throw JsonFields.Error(path, "model.dropout", $"{dropout.GetRawText()} is not supported (BPE-dropout is for training)");

        int? unkId = null;
        if (JsonFields.OptionalString(path, model, "unk_token", "model") is { } unk)
        {
            if (!vocab.TryGetValue(unk, out int id)) throw JsonFields.Error(path, "model.unk_token", $"\"{unk}\" is not in model.vocab");
            unkId = id;
        }
        return new RankedBpeModel(vocab, merges, unkId,
            fuseUnk: JsonFields.OptionalBool(path, model, "fuse_unk", "model") ?? false,
            byteFallback: JsonFields.OptionalBool(path, model, "byte_fallback", "model") ?? false,
            ignoreMerges: JsonFields.OptionalBool(path, model, "ignore_merges", "model") ?? false);
    }

    private static string TypeOf(string path, JsonElement e, string field) => JsonFields.RequiredString(path, e, "type", field);

    private static (string? Literal, Regex? Regex) ReadPattern(string path, JsonElement e, string field)
    {
        JsonElement pattern = JsonFields.Required(path, e, "pattern", field);
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
                    throw JsonFields.Error(path, field + ".pattern.Regex", $"\"{r.GetString()}\" is not a valid regular expression ({JsonFields.OneLine(ex.Message)})");
                }
            }
        }
        throw JsonFields.Error(path, field + ".pattern", $"expected {{\"String\": ...}} or {{\"Regex\": ...}}, found {JsonFields.Describe(pattern)}");
    }

    private static TextNormalizer? ReadNormalizer(string path, JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(path, e, field);
        switch (type)
        {
            case "Sequence":
            {
                JsonElement list = JsonFields.Required(path, e, "normalizers", field);
                if (list.ValueKind != JsonValueKind.Array) throw JsonFields.Error(path, field + ".normalizers", "expected an array");
                var steps = new List<TextNormalizer>();
                int i = 0;
                foreach (JsonElement step in list.EnumerateArray())
                {
                    if (ReadNormalizer(path, step, $"{field}.normalizers[{i++}]") is { } s) steps.Add(s);
                }
                return new SequenceNormalizer(steps);
            }
            case "Prepend":
                return new PrependNormalizer(JsonFields.RequiredString(path, e, "prepend", field));
            case "Replace":
            {
                var (literal, regex) = ReadPattern(path, e, field);
                return new ReplaceNormalizer(literal, regex, JsonFields.RequiredString(path, e, "content", field));
            }
            default:
                throw JsonFields.Error(path, field + ".type", $"normalizer \"{type}\" is not supported (Sequence, Prepend, Replace are)");
        }
    }

    private static PrependScheme ReadScheme(string path, JsonElement e, string field)
    {
        string? scheme = JsonFields.OptionalString(path, e, "prepend_scheme", field);
        bool? addPrefixSpace = JsonFields.OptionalBool(path, e, "add_prefix_space", field);
        if (addPrefixSpace == false) return PrependScheme.Never;   // older files
        return scheme switch
        {
            null or "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            _ => throw JsonFields.Error(path, field + ".prepend_scheme", $"\"{scheme}\" is not one of \"first\", \"always\", \"never\""),
        };
    }

    private static char ReadReplacement(string path, JsonElement e, string field)
    {
        string replacement = JsonFields.RequiredString(path, e, "replacement", field);
        if (replacement.Length != 1) throw JsonFields.Error(path, field + ".replacement", $"\"{replacement}\" is not a single character");
        return replacement[0];
    }

    private static PreTokenizer? ReadPreTokenizer(string path, JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(path, e, field);
        switch (type)
        {
            case "Sequence":
            {
                JsonElement list = JsonFields.Required(path, e, "pretokenizers", field);
                if (list.ValueKind != JsonValueKind.Array) throw JsonFields.Error(path, field + ".pretokenizers", "expected an array");
                var steps = new List<PreTokenizer>();
                int i = 0;
                foreach (JsonElement step in list.EnumerateArray())
                {
                    if (ReadPreTokenizer(path, step, $"{field}.pretokenizers[{i++}]") is { } s) steps.Add(s);
                }
                return new SequencePreTokenizer(steps);
            }
            case "Metaspace":
                return new MetaspacePreTokenizer(ReadReplacement(path, e, field), ReadScheme(path, e, field),
                    JsonFields.OptionalBool(path, e, "split", field) ?? true);
            case "Split":
            {
                var (literal, regex) = ReadPattern(path, e, field);
                string behavior = JsonFields.RequiredString(path, e, "behavior", field);
                SplitBehavior b = behavior.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
                {
                    "removed" => SplitBehavior.Removed,
                    "isolated" => SplitBehavior.Isolated,
                    "mergedwithprevious" => SplitBehavior.MergedWithPrevious,
                    "mergedwithnext" => SplitBehavior.MergedWithNext,
                    "contiguous" => SplitBehavior.Contiguous,
                    _ => throw JsonFields.Error(path, field + ".behavior", $"\"{behavior}\" is not a split behavior"),
                };
                return new SplitPreTokenizer(literal, regex, b, JsonFields.OptionalBool(path, e, "invert", field) ?? false);
            }
            default:
                throw JsonFields.Error(path, field + ".type", $"pre-tokenizer \"{type}\" is not supported (Metaspace, Split, Sequence are)");
        }
    }

    private static TokenDecoder? ReadDecoder(string path, JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(path, e, field);
        switch (type)
        {
            case "Sequence":
            {
                JsonElement list = JsonFields.Required(path, e, "decoders", field);
                if (list.ValueKind != JsonValueKind.Array) throw JsonFields.Error(path, field + ".decoders", "expected an array");
                var steps = new List<TokenDecoder>();
                int i = 0;
                foreach (JsonElement step in list.EnumerateArray())
                {
                    if (ReadDecoder(path, step, $"{field}.decoders[{i++}]") is { } s) steps.Add(s);
                }
                return new SequenceDecoder(steps);
            }
            case "Replace":
            {
                var (literal, regex) = ReadPattern(path, e, field);
                return new ReplaceDecoder(new ReplaceNormalizer(literal, regex, JsonFields.RequiredString(path, e, "content", field)));
            }
            case "ByteFallback":
                return new ByteFallbackDecoder();
            case "Fuse":
                return new FuseDecoder();
            case "Strip":
            {
                string content = JsonFields.RequiredString(path, e, "content", field);
                if (content.Length == 0) throw JsonFields.Error(path, field + ".content", "is empty");
                return new StripDecoder(content, JsonFields.RequiredInt(path, e, "start", field), JsonFields.RequiredInt(path, e, "stop", field));
            }
            case "Metaspace":
                return new MetaspaceDecoder(ReadReplacement(path, e, field), ReadScheme(path, e, field));
            default:
                throw JsonFields.Error(path, field + ".type", $"decoder \"{type}\" is not supported (Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace are)");
        }
    }

    private static List<TemplatePiece>? ReadPostProcessor(string path, JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = TypeOf(path, e, field);
        if (type == "Sequence")
        {
            JsonElement list = JsonFields.Required(path, e, "processors", field);
            if (list.ValueKind != JsonValueKind.Array) throw JsonFields.Error(path, field + ".processors", "expected an array");
            List<TemplatePiece>? result = null;
            int i = 0;
            foreach (JsonElement step in list.EnumerateArray())
            {
                if (ReadPostProcessor(path, step, $"{field}.processors[{i++}]") is { } t)
                {
                    if (result is not null) throw JsonFields.Error(path, field, "more than one TemplateProcessing is not supported");
                    result = t;
                }
            }
            return result;
        }
        if (type != "TemplateProcessing")
            throw JsonFields.Error(path, field + ".type", $"post-processor \"{type}\" is not supported (TemplateProcessing is)");

        JsonElement specials = JsonFields.Required(path, e, "special_tokens", field);
        JsonElement single = JsonFields.Required(path, e, "single", field);
        if (single.ValueKind != JsonValueKind.Array) throw JsonFields.Error(path, field + ".single", "expected an array");
        var template = new List<TemplatePiece>();
        int k = 0;
        foreach (JsonElement item in single.EnumerateArray())
        {
            string itemField = $"{field}.single[{k++}]";
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("Sequence", out JsonElement seq))
            {
                string id = JsonFields.RequiredString(path, seq, "id", itemField + ".Sequence");
                if (id != "A") throw JsonFields.Error(path, itemField + ".Sequence.id", $"\"{id}\" in a single-sequence template (expected \"A\")");
                template.Add(TemplatePiece.Sequence);
            }
            else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("SpecialToken", out JsonElement st))
            {
                string name = JsonFields.RequiredString(path, st, "id", itemField + ".SpecialToken");
                if (specials.ValueKind != JsonValueKind.Object || !specials.TryGetProperty(name, out JsonElement def))
                    throw JsonFields.Error(path, field + ".special_tokens", $"\"{name}\" used in the template is not defined");
                string defField = $"{field}.special_tokens.{name}";
                JsonElement idsJson = JsonFields.Required(path, def, "ids", defField);
                JsonElement tokensJson = JsonFields.Required(path, def, "tokens", defField);
                if (idsJson.ValueKind != JsonValueKind.Array || tokensJson.ValueKind != JsonValueKind.Array || idsJson.GetArrayLength() != tokensJson.GetArrayLength())
                    throw JsonFields.Error(path, defField, "ids and tokens must be arrays of the same length");
                var ids = new List<int>();
                foreach (JsonElement idJson in idsJson.EnumerateArray())
                {
                    if (idJson.ValueKind != JsonValueKind.Number || !idJson.TryGetInt32(out int id) || id < 0)
                        throw JsonFields.Error(path, defField + ".ids", $"{idJson.GetRawText()} is not a token id");
                    ids.Add(id);
                }
                var tokens = tokensJson.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : throw JsonFields.Error(path, defField + ".tokens", "expected strings")).ToList();
                template.Add(new TemplatePiece(false, ids, tokens));
            }
            else
            {
                throw JsonFields.Error(path, itemField, $"expected {{\"Sequence\": ...}} or {{\"SpecialToken\": ...}}, found {JsonFields.Describe(item)}");
            }
        }
        if (template.Count(p => p.IsSequence) != 1) throw JsonFields.Error(path, field + ".single", "must contain $A exactly once");
        return template;
    }
}
