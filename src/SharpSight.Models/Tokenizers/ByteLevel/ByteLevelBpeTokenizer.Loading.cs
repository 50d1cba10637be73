using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SharpSight.Models.Tokenizers.ByteLevel;

public sealed partial class ByteLevelBpeTokenizer
{
    private static readonly string[] BosNames = ["<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] EosNames = ["<|end_of_text|>", "</s>", "<eos>", "<|endoftext|>"];

    /// <summary>
    /// Reads a Hugging Face tokenizer.json with a BPE model and a byte-level pre-tokenizer (ByteLevel, or a Sequence of
    /// Split patterns ending in ByteLevel), normalizer null / NFC / NFD / NFKC / NFKD / Sequence, post-processor null /
    /// ByteLevel / TemplateProcessing / Sequence, decoder ByteLevel or null. BOS / EOS / PAD ids come from a
    /// tokenizer_config.json beside the file when there is one (bos_token, eos_token, pad_token), otherwise from the
    /// template, well-known special-token names (BOS / EOS) and the file's padding section (PAD).
    /// </summary>
    /// <exception cref="TokenizerException">The file is unreadable, not JSON, or uses a feature this class does not implement; the message names the file, the JSON path and the value.</exception>
    public static ByteLevelBpeTokenizer FromTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = JsonFile.Open(path);
        JsonElement root = file.Root;
        if (root.ValueKind != JsonValueKind.Object) throw file.Error("(document)", root, "expected a JSON object");

        JsonElement model = file.RequireObject(root, "", "model");
        BpeModel bpe = ReadBpeModel(file, model);
        List<ByteLevelAddedToken> added = ReadAddedTokens(file, root);
        TextNormalizer normalizer = ReadNormalizer(file, root);
        var (splits, prefixSpace, useRegex) = ReadPreTokenizer(file, root);
        List<PostStep> post = ReadPostProcessor(file, root);
        bool byteLevelDecoder = ReadDecoder(file, root);

        var tokenizer = new ByteLevelBpeTokenizer(path, bpe, added, normalizer, splits, prefixSpace, useRegex, post, byteLevelDecoder);

        string configPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            using var config = JsonFile.Open(configPath);
            tokenizer.SetSpecialIdsFromConfig(config);
        }
        else
        {
            var template = post.OfType<Template>().FirstOrDefault();
            int? bos = template?.Before.Count > 0 ? template.Before[0].Id : FindSpecial(tokenizer, BosNames);
            int? eos = template?.After.Count > 0 ? template.After[^1].Id : FindSpecial(tokenizer, EosNames);
            int? pad = null;
            if (file.OptionalObject(root, "", "padding") is JsonElement padding && padding.TryGetProperty("pad_id", out JsonElement padId))
                pad = file.RequireId(padId, "padding.pad_id");
            tokenizer.SetSpecialIds(bos, eos, pad);
        }
        return tokenizer;
    }

    /// <summary>
    /// Builds a tokenizer from a vocab.json + merges.txt folder layout (GPT-2 style; Qwen2 / Qwen2.5 ship this way), as
    /// transformers' converters do: optional NFC normalizer, <c>Split(pattern, Isolated)</c> then
    /// <c>ByteLevel(add_prefix_space from the config, use_regex false)</c>, ByteLevel decoder. The optional
    /// tokenizer_config.json supplies added_tokens_decoder, bos_token / eos_token / pad_token, add_prefix_space, and
    /// add_bos_token / add_eos_token (a template adding them; both default to false).
    /// </summary>
    /// <param name="vocabJson">Path of vocab.json (token → id).</param>
    /// <param name="mergesTxt">Path of merges.txt (one "left right" merge per line, an optional "#version" header).</param>
    /// <param name="tokenizerConfigJson">Path of tokenizer_config.json, or null.</param>
    /// <param name="pattern">The pre-tokenizer regex, e.g. <see cref="ByteLevelPatterns.Qwen2"/>.</param>
    /// <param name="nfc">Whether text is NFC-normalized first (Qwen2: true).</param>
    /// <exception cref="TokenizerException">A file is unreadable or malformed; the message names the file, the field and the value.</exception>
    public static ByteLevelBpeTokenizer FromVocabAndMerges(string vocabJson, string mergesTxt, string? tokenizerConfigJson, string pattern, bool nfc)
    {
        ArgumentNullException.ThrowIfNull(vocabJson);
        ArgumentNullException.ThrowIfNull(mergesTxt);
        ArgumentNullException.ThrowIfNull(pattern);

        Dictionary<string, int> vocab;
        using (var vocabFile = JsonFile.Open(vocabJson))
        {
            if (vocabFile.Root.ValueKind != JsonValueKind.Object) throw vocabFile.Error("(document)", vocabFile.Root, "expected an object of token → id");
            vocab = ReadVocab(vocabFile, vocabFile.Root, "");
        }
        var merges = ReadMergesTxt(mergesTxt);
        BpeModel bpe = BpeModel.FromMerges(vocab, merges, ignoreMerges: false, unkToken: null, fuseUnk: false,
            (rank, token) => new TokenizerException($"{mergesTxt}: merge {rank + 1} = {JsonFile.Quote(merges[rank].Left + " " + merges[rank].Right)}: token {JsonFile.Quote(token)} is not in {vocabJson}"));

        JsonFile? config = tokenizerConfigJson is null ? null : JsonFile.Open(tokenizerConfigJson);
        try
        {
            var added = config is null ? [] : ReadAddedTokensDecoder(config);
            bool prefixSpace = config is not null && config.OptionalBool(config.Root, "", "add_prefix_space", false);
            var post = new List<PostStep>();
            var tokenizer = new ByteLevelBpeTokenizer($"{vocabJson} + {mergesTxt}", bpe, added, nfc ? new TextNormalizer([NormalizationForm.FormC]) : TextNormalizer.None,
                [(CompilePattern(pattern, mergesTxt, "pattern"), true)], prefixSpace, byteLevelUsesRegex: false, post, byteLevelDecoder: true);
            if (config is not null)
            {
                tokenizer.SetSpecialIdsFromConfig(config);
                tokenizer.AddConfigTemplate(config, post, defaultAddBos: false);
            }
            return tokenizer;
        }
        finally
        {
            config?.Dispose();
        }
    }

    /// <summary>
    /// Reads a tiktoken ranks file (one "base64-bytes rank" per line; Llama-3's original tokenizer.model) as rank BPE:
    /// the adjacent pair whose concatenated bytes has the lowest rank merges first, ids are ranks, and a pre-token that is
    /// itself a token is not merged. Token strings are spelled in <see cref="ByteLevelAlphabet"/> so they match Hugging
    /// Face's ("Ġworld"). The optional tokenizer_config.json supplies the special tokens (added_tokens_decoder) and
    /// bos_token / eos_token / pad_token; BOS is added when encoding with special tokens unless add_bos_token is false
    /// (Hugging Face's Llama-3 post-processor adds it).
    /// </summary>
    /// <param name="tokenizerModel">Path of the ranks file.</param>
    /// <param name="tokenizerConfigJson">Path of tokenizer_config.json, or null.</param>
    /// <param name="pattern">The pre-tokenizer regex, e.g. <see cref="ByteLevelPatterns.Llama3"/>.</param>
    /// <exception cref="TokenizerException">A file is unreadable or malformed; the message names the file, the line or field and the value.</exception>
    public static ByteLevelBpeTokenizer FromTiktoken(string tokenizerModel, string? tokenizerConfigJson, string pattern)
    {
        ArgumentNullException.ThrowIfNull(tokenizerModel);
        ArgumentNullException.ThrowIfNull(pattern);
        var vocab = ReadTiktokenRanks(tokenizerModel);
        BpeModel bpe = BpeModel.FromRanks(vocab);
        int[] missing = [.. bpe.MissingBytes()];
        if (missing.Length > 0)
            throw new TokenizerException($"{tokenizerModel}: single-byte tokens = [{string.Join(", ", missing.Take(8).Select(b => $"0x{b:X2}"))}{(missing.Length > 8 ? ", ..." : "")}]: every byte must have a rank");

        JsonFile? config = tokenizerConfigJson is null ? null : JsonFile.Open(tokenizerConfigJson);
        try
        {
            var added = config is null ? [] : ReadAddedTokensDecoder(config);
            var post = new List<PostStep>();
            var tokenizer = new ByteLevelBpeTokenizer(tokenizerModel, bpe, added, TextNormalizer.None,
                [(CompilePattern(pattern, tokenizerModel, "pattern"), true)], addPrefixSpace: false, byteLevelUsesRegex: false, post, byteLevelDecoder: true);
            if (config is not null)
            {
                tokenizer.SetSpecialIdsFromConfig(config);
                tokenizer.AddConfigTemplate(config, post, defaultAddBos: true);
            }
            return tokenizer;
        }
        finally
        {
            config?.Dispose();
        }
    }

    // ------------------------------------------------------------------ tokenizer.json sections

    private static BpeModel ReadBpeModel(JsonFile file, JsonElement model)
    {
        const string path = "model";
        if (model.TryGetProperty("type", out JsonElement type))
        {
            if (type.ValueKind != JsonValueKind.String || type.GetString() != "BPE")
                throw file.Error("model.type", type, "only BPE models are supported by the byte-level tokenizer");
        }
        else if (!model.TryGetProperty("merges", out _))
        {
            throw file.Error("model.type", null, "the model has no type and no merges; only BPE models are supported");
        }

        if (!model.TryGetProperty("vocab", out JsonElement vocabElement)) throw file.Error("model.vocab", null, "required field is missing");
        if (vocabElement.ValueKind != JsonValueKind.Object) throw file.Error("model.vocab", vocabElement, "expected an object of token → id");
        Dictionary<string, int> vocab = ReadVocab(file, vocabElement, "model.vocab");

        JsonElement mergesElement = file.RequireArray(model, path, "merges");
        var merges = new List<(string, string)>(mergesElement.GetArrayLength());
        int index = 0;
        int rank = 0;
        var mergePaths = new List<int>();
        foreach (JsonElement m in mergesElement.EnumerateArray())
        {
            string field = JsonFile.Index("model.merges", index);
            if (m.ValueKind == JsonValueKind.String)
            {
                string line = m.GetString()!;
                if (line.StartsWith("#version", StringComparison.Ordinal)) { index++; continue; }
                string[] parts = line.Split(' ');
                if (parts.Length != 2) throw file.Error(field, m, "expected \"left right\" (two tokens separated by one space)");
                merges.Add((parts[0], parts[1]));
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2 && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
            {
                merges.Add((m[0].GetString()!, m[1].GetString()!));
            }
            else
            {
                throw file.Error(field, m, "expected \"left right\" or [\"left\", \"right\"]");
            }
            mergePaths.Add(index);
            index++;
            rank++;
        }

        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind != JsonValueKind.Null
            && !(dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() == 0))
            throw file.Error("model.dropout", dropout, "BPE dropout is not supported (encoding must be deterministic)");
        foreach (string name in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            string? affix = file.OptionalString(model, path, name);
            if (!string.IsNullOrEmpty(affix)) throw file.ErrorShown(JsonFile.Child(path, name), JsonFile.Quote(affix), "subword prefixes / suffixes are not supported by the byte-level tokenizer");
        }
        if (file.OptionalBool(model, path, "byte_fallback", false))
            throw file.ErrorShown("model.byte_fallback", "true", "byte_fallback is not supported by the byte-level tokenizer (every byte is already a token)");
        string? unk = file.OptionalString(model, path, "unk_token");
        bool fuseUnk = file.OptionalBool(model, path, "fuse_unk", false);
        bool ignoreMerges = file.OptionalBool(model, path, "ignore_merges", false);

        return BpeModel.FromMerges(vocab, merges, ignoreMerges, unk, fuseUnk, (r, token) => r < 0
            ? file.ErrorShown("model.unk_token", JsonFile.Quote(token), "the unknown token is not in model.vocab")
            : file.ErrorShown(JsonFile.Index("model.merges", mergePaths[r]), JsonFile.Quote(merges[r].Item1 + " " + merges[r].Item2), $"token {JsonFile.Quote(token)} is not in model.vocab"));
    }

    private static Dictionary<string, int> ReadVocab(JsonFile file, JsonElement vocabElement, string path)
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

    private static List<(string Left, string Right)> ReadMergesTxt(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TokenizerException($"{path}: cannot read the file ({JsonFile.OneLine(e.Message)})", e);
        }
        var merges = new List<(string, string)>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("#version", StringComparison.Ordinal) || line.Length == 0) continue;
            string[] parts = line.Split(' ');
            if (parts.Length != 2) throw new TokenizerException($"{path}: line {i + 1} = {JsonFile.Quote(line)}: expected \"left right\" (two tokens separated by one space)");
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    private static Dictionary<string, int> ReadTiktokenRanks(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.ASCII);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TokenizerException($"{path}: cannot read the file ({JsonFile.OneLine(e.Message)})", e);
        }
        var vocab = new Dictionary<string, int>(lines.Length, StringComparer.Ordinal);
        var seenRanks = new HashSet<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            byte[] bytes;
            if (space <= 0 || !int.TryParse(line.AsSpan(space + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int rank))
                throw new TokenizerException($"{path}: line {i + 1} = {JsonFile.Quote(line)}: expected \"<base64 bytes> <rank>\"");
            try
            {
                bytes = Convert.FromBase64String(line[..space]);
            }
            catch (FormatException e)
            {
                throw new TokenizerException($"{path}: line {i + 1} = {JsonFile.Quote(line)}: the token is not valid base64", e);
            }
            if (bytes.Length == 0) throw new TokenizerException($"{path}: line {i + 1} = {JsonFile.Quote(line)}: empty token");
            string token = ByteLevelAlphabet.Encode(bytes);
            if (!seenRanks.Add(rank)) throw new TokenizerException($"{path}: line {i + 1} = {JsonFile.Quote(line)}: rank {rank} appears twice");
            if (!vocab.TryAdd(token, rank)) throw new TokenizerException($"{path}: line {i + 1} = {JsonFile.Quote(line)}: the token appears twice");
        }
        if (vocab.Count == 0) throw new TokenizerException($"{path}: (document) = (empty): no ranks");
        return vocab;
    }

    private static List<ByteLevelAddedToken> ReadAddedTokens(JsonFile file, JsonElement root)
    {
        var list = new List<ByteLevelAddedToken>();
        if (file.OptionalArray(root, "", "added_tokens") is not JsonElement array) return list;
        int i = 0;
        foreach (JsonElement t in array.EnumerateArray())
        {
            string path = JsonFile.Index("added_tokens", i++);
            if (t.ValueKind != JsonValueKind.Object) throw file.Error(path, t, "expected an object");
            int id = file.RequireId(t, path, "id");
            list.Add(ReadAddedToken(file, t, path, id));
        }
        return list;
    }

    private static List<ByteLevelAddedToken> ReadAddedTokensDecoder(JsonFile config)
    {
        var list = new List<ByteLevelAddedToken>();
        if (config.OptionalObject(config.Root, "", "added_tokens_decoder") is not JsonElement decoder) return list;
        foreach (JsonProperty p in decoder.EnumerateObject())
        {
            string path = $"added_tokens_decoder[{JsonFile.Quote(p.Name)}]";
            if (!int.TryParse(p.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
                throw config.ErrorShown(path, JsonFile.Quote(p.Name), "the key must be a non-negative integer id");
            if (p.Value.ValueKind != JsonValueKind.Object) throw config.Error(path, p.Value, "expected an object");
            list.Add(ReadAddedToken(config, p.Value, path, id));
        }
        return list;
    }

    private static ByteLevelAddedToken ReadAddedToken(JsonFile file, JsonElement t, string path, int id)
    {
        string content = file.RequireString(t, path, "content");
        bool special = file.OptionalBool(t, path, "special", false);
        return new ByteLevelAddedToken(
            id,
            content,
            special,
            SingleWord: file.OptionalBool(t, path, "single_word", false),
            LStrip: file.OptionalBool(t, path, "lstrip", false),
            RStrip: file.OptionalBool(t, path, "rstrip", false),
            Normalized: file.OptionalBool(t, path, "normalized", !special));
    }

    private static TextNormalizer ReadNormalizer(JsonFile file, JsonElement root)
    {
        if (file.OptionalObject(root, "", "normalizer") is not JsonElement normalizer) return TextNormalizer.None;
        var forms = new List<NormalizationForm>();
        CollectNormalizers(file, normalizer, "normalizer", forms);
        return forms.Count == 0 ? TextNormalizer.None : new TextNormalizer(forms);
    }

    private static void CollectNormalizers(JsonFile file, JsonElement n, string path, List<NormalizationForm> forms)
    {
        if (n.ValueKind != JsonValueKind.Object) throw file.Error(path, n, "expected an object");
        string type = file.RequireString(n, path, "type");
        switch (type)
        {
            case "NFC": forms.Add(NormalizationForm.FormC); break;
            case "NFD": forms.Add(NormalizationForm.FormD); break;
            case "NFKC": forms.Add(NormalizationForm.FormKC); break;
            case "NFKD": forms.Add(NormalizationForm.FormKD); break;
            case "Sequence":
                int i = 0;
                foreach (JsonElement inner in file.RequireArray(n, path, "normalizers").EnumerateArray())
                    CollectNormalizers(file, inner, JsonFile.Index(JsonFile.Child(path, "normalizers"), i++), forms);
                break;
            default:
                throw file.ErrorShown(JsonFile.Child(path, "type"), JsonFile.Quote(type), "unsupported normalizer (supported: NFC, NFD, NFKC, NFKD, Sequence)");
        }
    }

    private static (List<(CodePointRegex, bool)> Splits, bool AddPrefixSpace, bool UseRegex) ReadPreTokenizer(JsonFile file, JsonElement root)
    {
        if (file.OptionalObject(root, "", "pre_tokenizer") is not JsonElement pre)
            throw file.Error("pre_tokenizer", null, "a ByteLevel pre-tokenizer is required");
        var items = new List<(JsonElement Element, string Path)>();
        string type = file.RequireString(pre, "pre_tokenizer", "type");
        if (type == "Sequence")
        {
            int i = 0;
            foreach (JsonElement inner in file.RequireArray(pre, "pre_tokenizer", "pretokenizers").EnumerateArray())
                items.Add((inner, $"pre_tokenizer.pretokenizers[{i++}]"));
        }
        else
        {
            items.Add((pre, "pre_tokenizer"));
        }

        var splits = new List<(CodePointRegex, bool)>();
        for (int k = 0; k < items.Count; k++)
        {
            var (element, path) = items[k];
            if (element.ValueKind != JsonValueKind.Object) throw file.Error(path, element, "expected an object");
            string t = file.RequireString(element, path, "type");
            bool last = k == items.Count - 1;
            switch (t)
            {
                case "ByteLevel" when last:
                    return (splits, file.OptionalBool(element, path, "add_prefix_space", true), file.OptionalBool(element, path, "use_regex", true));
                case "ByteLevel":
                    throw file.ErrorShown(JsonFile.Child(path, "type"), JsonFile.Quote(t), "ByteLevel must be the last pre-tokenizer");
                case "Split":
                    splits.Add(ReadSplit(file, element, path));
                    break;
                default:
                    throw file.ErrorShown(JsonFile.Child(path, "type"), JsonFile.Quote(t), "unsupported pre-tokenizer (supported: ByteLevel, Split, Sequence of Split… ByteLevel)");
            }
        }
        throw file.Error("pre_tokenizer", pre, "a byte-level tokenizer needs a ByteLevel pre-tokenizer (last in a Sequence)");
    }

    private static (CodePointRegex, bool) ReadSplit(JsonFile file, JsonElement split, string path)
    {
        JsonElement pattern = file.RequireObject(split, path, "pattern");
        string regex;
        if (pattern.TryGetProperty("Regex", out JsonElement r) && r.ValueKind == JsonValueKind.String) regex = r.GetString()!;
        else if (pattern.TryGetProperty("String", out JsonElement s) && s.ValueKind == JsonValueKind.String) regex = Regex.Escape(s.GetString()!);
        else throw file.Error(JsonFile.Child(path, "pattern"), pattern, "expected {\"Regex\": ...} or {\"String\": ...}");

        string behavior = file.RequireString(split, path, "behavior");
        bool isolated = behavior switch
        {
            "Isolated" => true,
            "Removed" => false,
            _ => throw file.ErrorShown(JsonFile.Child(path, "behavior"), JsonFile.Quote(behavior), "unsupported split behavior (supported: Isolated, Removed)"),
        };
        if (file.OptionalBool(split, path, "invert", false))
            throw file.ErrorShown(JsonFile.Child(path, "invert"), "true", "inverted splits are not supported");
        return (CompilePattern(regex, file.Path, JsonFile.Child(path, "pattern")), isolated);
    }

    private static CodePointRegex CompilePattern(string pattern, string source, string field)
    {
        try
        {
            return new CodePointRegex(pattern);
        }
        catch (ArgumentException e)
        {
            throw new TokenizerException($"{source}: {field} = {JsonFile.Quote(pattern)}: the regex is not supported by .NET ({JsonFile.OneLine(e.Message)})", e);
        }
    }

    private static List<PostStep> ReadPostProcessor(JsonFile file, JsonElement root)
    {
        var steps = new List<PostStep>();
        if (file.OptionalObject(root, "", "post_processor") is JsonElement post) CollectPost(file, post, "post_processor", steps);
        return steps;
    }

    private static void CollectPost(JsonFile file, JsonElement p, string path, List<PostStep> steps)
    {
        if (p.ValueKind != JsonValueKind.Object) throw file.Error(path, p, "expected an object");
        string type = file.RequireString(p, path, "type");
        switch (type)
        {
            case "ByteLevel":
                if (file.OptionalBool(p, path, "trim_offsets", true)) steps.Add(new TrimOffsets(file.OptionalBool(p, path, "add_prefix_space", true)));
                break;
            case "TemplateProcessing":
                steps.Add(ReadTemplate(file, p, path));
                break;
            case "Sequence":
                int i = 0;
                foreach (JsonElement inner in file.RequireArray(p, path, "processors").EnumerateArray())
                    CollectPost(file, inner, JsonFile.Index(JsonFile.Child(path, "processors"), i++), steps);
                break;
            default:
                throw file.ErrorShown(JsonFile.Child(path, "type"), JsonFile.Quote(type), "unsupported post-processor (supported: ByteLevel, TemplateProcessing, Sequence)");
        }
    }

    private static Template ReadTemplate(JsonFile file, JsonElement p, string path)
    {
        JsonElement specials = file.RequireObject(p, path, "special_tokens");
        JsonElement single = file.RequireArray(p, path, "single");
        var before = new List<(int, string)>();
        var after = new List<(int, string)>();
        bool seenSequence = false;
        int i = 0;
        foreach (JsonElement piece in single.EnumerateArray())
        {
            string piecePath = JsonFile.Index(JsonFile.Child(path, "single"), i++);
            if (piece.ValueKind == JsonValueKind.Object && piece.TryGetProperty("Sequence", out JsonElement seq))
            {
                string? id = seq.ValueKind == JsonValueKind.Object ? file.OptionalString(seq, piecePath + ".Sequence", "id") : null;
                if (id != "A") throw file.Error(piecePath, piece, "the single-sequence template may only refer to sequence A");
                seenSequence = true;
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
                var target = seenSequence ? after : before;
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
        if (!seenSequence) throw file.Error(JsonFile.Child(path, "single"), single, "the template has no $A");
        return new Template(before, after);
    }

    private static bool ReadDecoder(JsonFile file, JsonElement root)
    {
        if (file.OptionalObject(root, "", "decoder") is not JsonElement decoder) return false;
        string type = file.RequireString(decoder, "decoder", "type");
        if (type != "ByteLevel") throw file.ErrorShown("decoder.type", JsonFile.Quote(type), "unsupported decoder (supported: ByteLevel, null)");
        return true;
    }

    // ------------------------------------------------------------------ tokenizer_config.json

    private void SetSpecialIdsFromConfig(JsonFile config)
    {
        int? Resolve(string name)
        {
            if (!config.Root.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
            string? content = v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object => config.RequireString(v, name, "content"),
                _ => throw config.Error(name, v, "expected a string, an object with \"content\", or null"),
            };
            if (content is null) return null;
            return TokenToId(content) ?? throw config.ErrorShown(name, JsonFile.Quote(content), $"the token is not in the vocabulary of {Source}");
        }
        if (config.Root.ValueKind != JsonValueKind.Object) throw config.Error("(document)", config.Root, "expected a JSON object");
        SetSpecialIds(Resolve("bos_token"), Resolve("eos_token"), Resolve("pad_token"));
    }

    private void AddConfigTemplate(JsonFile config, List<PostStep> post, bool defaultAddBos)
    {
        bool addBos = config.OptionalBool(config.Root, "", "add_bos_token", defaultAddBos);
        bool addEos = config.OptionalBool(config.Root, "", "add_eos_token", false);
        var before = new List<(int, string)>();
        var after = new List<(int, string)>();
        if (addBos && BosId is int bos) before.Add((bos, IdToToken(bos)!));
        if (addEos && EosId is int eos) after.Add((eos, IdToToken(eos)!));
        if (before.Count > 0 || after.Count > 0) post.Add(new Template(before, after));
    }

    private static int? FindSpecial(ByteLevelBpeTokenizer tokenizer, string[] names)
    {
        foreach (string name in names)
        {
            if (tokenizer.SpecialTokens.TryGetValue(name, out int id)) return id;
        }
        return null;
    }
}
