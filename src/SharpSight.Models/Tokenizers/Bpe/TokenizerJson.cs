using System.Text.Json;

namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>How tokenizer.json's post-processor ends a tokenizer's pipeline.</summary>
/// <param name="Template">TemplateProcessing, if any.</param>
/// <param name="TrimOffsets">A ByteLevel post-processor with <c>trim_offsets</c>.</param>
/// <param name="TrimAddPrefixSpace">Its <c>add_prefix_space</c>.</param>
internal sealed record PostProcessor(Template? Template, bool TrimOffsets, bool TrimAddPrefixSpace);

/// <summary>
/// The sections of a Hugging Face tokenizer.json that both BPE families read the same way: the BPE model, the added
/// tokens, the post-processor, and the special ids the file implies. Normalizers, pre-tokenizers and decoders are
/// family-specific and read by each family's loader.
/// </summary>
internal static class TokenizerJson
{
    private static readonly string[] BosNames = ["<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] EosNames = ["<|end_of_text|>", "</s>", "<eos>", "<|endoftext|>"];
    private static readonly string[] PadNames = ["<pad>"];

    /// <summary>
    /// Reads "model" (type BPE): vocab, merges ("left right" strings or [left, right] pairs), unk_token, fuse_unk,
    /// byte_fallback, ignore_merges. Dropout and subword prefixes / suffixes are rejected.
    /// </summary>
    public static BpeModel ReadModel(JsonFile file, JsonElement root)
    {
        const string path = "model";
        JsonElement model = file.RequireObject(root, "", path);
        if (model.TryGetProperty("type", out JsonElement type))
        {
            if (type.ValueKind != JsonValueKind.String || type.GetString() != "BPE")
                throw file.Error("model.type", type, "only BPE models are supported");
        }
        else if (!model.TryGetProperty("merges", out _))
        {
            throw file.Error("model.type", null, "the model has no type and no merges; only BPE models are supported");
        }

        JsonElement vocabElement = file.Require(model, path, "vocab");
        if (vocabElement.ValueKind != JsonValueKind.Object) throw file.Error("model.vocab", vocabElement, "expected an object of token → id");
        Dictionary<string, int> vocab = ReadVocab(file, vocabElement, "model.vocab");

        var merges = new List<(string Left, string Right)>();
        var mergeIndex = new List<int>();   // the JSON index of each merge, for messages ("#version" lines are skipped)
        int index = 0;
        foreach (JsonElement m in file.RequireArray(model, path, "merges").EnumerateArray())
        {
            string field = JsonFile.Index("model.merges", index);
            if (m.ValueKind == JsonValueKind.String)
            {
                string line = m.GetString()!;
                if (line.StartsWith("#version", StringComparison.Ordinal)) { index++; continue; }
                if (line.Split(' ') is not [var left, var right]) throw file.Error(field, m, "expected \"left right\" (two tokens separated by one space)");
                merges.Add((left, right));
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2 && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
            {
                merges.Add((m[0].GetString()!, m[1].GetString()!));
            }
            else
            {
                throw file.Error(field, m, "expected \"left right\" or [\"left\", \"right\"]");
            }
            mergeIndex.Add(index++);
        }

        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind != JsonValueKind.Null
            && !(dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() == 0))
            throw file.Error("model.dropout", dropout, "BPE dropout is not supported (encoding must be deterministic)");
        foreach (string name in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (file.OptionalString(model, path, name) is { Length: > 0 } affix)
                throw file.ErrorShown(JsonFile.Child(path, name), JsonFile.Quote(affix), "subword prefixes / suffixes are not supported");
        }
        int? unkId = null;
        if (file.OptionalString(model, path, "unk_token") is { } unk)
        {
            unkId = vocab.TryGetValue(unk, out int id) ? id
                : throw file.ErrorShown("model.unk_token", JsonFile.Quote(unk), "the unknown token is not in model.vocab");
        }
        return BpeModel.FromMerges(vocab, merges,
            (rank, token) => file.ErrorShown(JsonFile.Index("model.merges", mergeIndex[rank]), JsonFile.Quote(merges[rank].Left + " " + merges[rank].Right),
                $"token {JsonFile.Quote(token)} is not in model.vocab"),
            ignoreMerges: file.OptionalBool(model, path, "ignore_merges", false), unkId,
            fuseUnk: file.OptionalBool(model, path, "fuse_unk", false), byteFallback: file.OptionalBool(model, path, "byte_fallback", false));
    }

    /// <summary>An object of token → id (tokenizer.json's model.vocab, or a whole vocab.json when <paramref name="path"/> is "").</summary>
    public static Dictionary<string, int> ReadVocab(JsonFile file, JsonElement vocabElement, string path)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty p in vocabElement.EnumerateObject())
        {
            string field = path.Length == 0 ? JsonFile.Quote(p.Name) : $"{path}[{JsonFile.Quote(p.Name)}]";
            vocab[p.Name] = file.RequireId(p.Value, field);
        }
        if (vocab.Count == 0) throw file.Error(path.Length == 0 ? "(document)" : path, vocabElement, "the vocabulary is empty");
        return vocab;
    }

    public static List<AddedToken> ReadAddedTokens(JsonFile file, JsonElement root)
    {
        var list = new List<AddedToken>();
        if (file.OptionalArray(root, "", "added_tokens") is not JsonElement array) return list;
        int i = 0;
        foreach (JsonElement t in array.EnumerateArray())
        {
            string path = JsonFile.Index("added_tokens", i++);
            if (t.ValueKind != JsonValueKind.Object) throw file.Error(path, t, "expected an object");
            list.Add(ReadAddedToken(file, t, path, file.RequireId(t, path, "id")));
        }
        return list;
    }

    /// <summary>One added token (of added_tokens, or of a config's added_tokens_decoder). A missing "normalized" defaults to !special, as Hugging Face's AddedToken does.</summary>
    public static AddedToken ReadAddedToken(JsonFile file, JsonElement t, string path, int id)
    {
        string content = file.RequireString(t, path, "content");
        bool special = file.OptionalBool(t, path, "special", false);
        return new AddedToken(id, content, special,
            SingleWord: file.OptionalBool(t, path, "single_word", false),
            LStrip: file.OptionalBool(t, path, "lstrip", false),
            RStrip: file.OptionalBool(t, path, "rstrip", false),
            Normalized: file.OptionalBool(t, path, "normalized", !special));
    }

    /// <summary>
    /// Reads "post_processor": TemplateProcessing, a ByteLevel one (offset trimming; only where
    /// <paramref name="byteLevelSupported"/>), or a Sequence holding at most one of each.
    /// </summary>
    public static PostProcessor ReadPostProcessor(JsonFile file, JsonElement root, bool byteLevelSupported)
    {
        Template? template = null;
        (bool Trim, bool AddPrefixSpace)? byteLevel = null;
        string supported = byteLevelSupported ? "ByteLevel, TemplateProcessing, Sequence" : "TemplateProcessing, Sequence";

        void Collect(JsonElement p, string path)
        {
            string type = file.RequireString(p, path, "type");
            switch (type)
            {
                case "ByteLevel" when byteLevelSupported:
                    if (byteLevel is not null) throw file.Error(path, p, "more than one ByteLevel post-processor is not supported");
                    byteLevel = (file.OptionalBool(p, path, "trim_offsets", true), file.OptionalBool(p, path, "add_prefix_space", true));
                    break;
                case "TemplateProcessing":
                    if (template is not null) throw file.Error(path, p, "more than one TemplateProcessing is not supported");
                    template = ReadTemplate(file, p, path);
                    break;
                case "Sequence":
                    int i = 0;
                    foreach (JsonElement inner in file.RequireArray(p, path, "processors").EnumerateArray())
                        Collect(inner, JsonFile.Index(JsonFile.Child(path, "processors"), i++));
                    break;
                default:
                    throw file.ErrorShown(JsonFile.Child(path, "type"), JsonFile.Quote(type), $"unsupported post-processor (supported: {supported})");
            }
        }

        if (file.OptionalObject(root, "", "post_processor") is JsonElement post) Collect(post, "post_processor");
        return new PostProcessor(template, byteLevel?.Trim ?? false, byteLevel?.AddPrefixSpace ?? false);
    }

    private static Template ReadTemplate(JsonFile file, JsonElement p, string path)
    {
        JsonElement specials = file.RequireObject(p, path, "special_tokens");
        JsonElement single = file.RequireArray(p, path, "single");
        var before = new List<(int, string)>();
        var after = new List<(int, string)>();
        int sequences = 0;
        int i = 0;
        foreach (JsonElement piece in single.EnumerateArray())
        {
            string piecePath = JsonFile.Index(JsonFile.Child(path, "single"), i++);
            if (piece.ValueKind == JsonValueKind.Object && piece.TryGetProperty("Sequence", out JsonElement seq))
            {
                if (file.RequireString(seq, piecePath + ".Sequence", "id") != "A")
                    throw file.Error(piecePath, piece, "the single-sequence template may only refer to sequence A");
                sequences++;
            }
            else if (piece.ValueKind == JsonValueKind.Object && piece.TryGetProperty("SpecialToken", out JsonElement sp) && sp.ValueKind == JsonValueKind.Object)
            {
                string name = file.RequireString(sp, piecePath + ".SpecialToken", "id");
                string specialPath = $"{path}.special_tokens[{JsonFile.Quote(name)}]";
                if (!specials.TryGetProperty(name, out JsonElement entry) || entry.ValueKind != JsonValueKind.Object)
                    throw file.Error(specialPath, null, "the template names a special token that special_tokens does not define");
                JsonElement ids = file.RequireArray(entry, specialPath, "ids");
                JsonElement tokens = file.RequireArray(entry, specialPath, "tokens");
                if (ids.GetArrayLength() != tokens.GetArrayLength()) throw file.Error(specialPath, entry, "ids and tokens differ in length");
                var target = sequences > 0 ? after : before;
                for (int k = 0; k < ids.GetArrayLength(); k++)
                {
                    int id = file.RequireId(ids[k], $"{specialPath}.ids[{k}]");
                    if (tokens[k].ValueKind != JsonValueKind.String) throw file.Error($"{specialPath}.tokens[{k}]", tokens[k], "expected a string");
                    target.Add((id, tokens[k].GetString()!));
                }
            }
            else
            {
                throw file.Error(piecePath, piece, "expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
            }
        }
        if (sequences != 1) throw file.Error(JsonFile.Child(path, "single"), single, "the template must contain $A exactly once");
        return new Template(before, after);
    }

    /// <summary>
    /// The BOS / EOS / PAD ids a tokenizer.json implies where the config does not name them: the template's first and last
    /// tokens, then special added tokens with well-known names; PAD from the padding section, then "&lt;pad&gt;".
    /// </summary>
    public static (int? Bos, int? Eos, int? Pad) DefaultSpecialIds(JsonFile file, JsonElement root, Template? template, IReadOnlyList<AddedToken> added)
    {
        int? ByName(string[] names)
        {
            foreach (string name in names)
            {
                if (added.LastOrDefault(t => t.Special && t.Content == name) is { } t) return t.Id;
            }
            return null;
        }
        int? pad = null;
        if (file.OptionalObject(root, "", "padding") is JsonElement padding && padding.TryGetProperty("pad_id", out JsonElement padId))
            pad = file.RequireId(padId, "padding.pad_id");
        return (template?.Before.Count > 0 ? template.Before[0].Id : ByName(BosNames),
            template?.After.Count > 0 ? template.After[^1].Id : ByName(EosNames),
            pad ?? ByName(PadNames));
    }
}
