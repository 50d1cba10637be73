using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpSight.Models.Tokenizers.Bpe;

namespace SharpSight.Models.Tokenizers.ByteLevel;

public sealed partial class ByteLevelBpeTokenizer
{
    /// <summary>
    /// Reads a Hugging Face tokenizer.json with a BPE model and a byte-level pre-tokenizer (ByteLevel, or a Sequence of
    /// Split patterns ending in ByteLevel), normalizer null / NFC / NFD / NFKC / NFKD / Sequence, post-processor null /
    /// ByteLevel / TemplateProcessing / Sequence, decoder ByteLevel or null. A tokenizer_config.json beside the file is
    /// applied as transformers does (see <see cref="BpeTokenizer"/>): BOS / EOS / PAD are the tokens it names (bos_token,
    /// eos_token, pad_token), otherwise the template's, well-known special-token names and the file's padding section.
    /// </summary>
    /// <exception cref="TokenizerException">The file is unreadable, not JSON, or uses a feature this class does not implement; the message names the file, the JSON path and the value.</exception>
    public static ByteLevelBpeTokenizer FromTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = JsonFile.Open(path);
        JsonElement root = file.RootObject();
        if (root.TryGetProperty("model", out JsonElement m) && m.ValueKind == JsonValueKind.Object && file.OptionalBool(m, "model", "byte_fallback", false))
            throw file.ErrorShown("model.byte_fallback", "true", "byte_fallback is not supported by the byte-level tokenizer (every byte is already a token)");
        BpeModel bpe = TokenizerJson.ReadModel(file, root);
        List<AddedToken> added = TokenizerJson.ReadAddedTokens(file, root);
        UnicodeNormalizer normalizer = ReadNormalizer(file, root);
        var (splits, prefixSpace, useRegex) = ReadPreTokenizer(file, root);
        PostProcessor post = TokenizerJson.ReadPostProcessor(file, root, byteLevelSupported: true);
        bool byteLevelDecoder = ReadDecoder(file, root);

        BpeParts parts = Assemble(path, bpe, added, normalizer.Normalize, TokenizerConfig.ReadBeside(path), post.Template,
            TokenizerJson.DefaultSpecialIds(file, root, post.Template, added), addBosByDefault: null);
        return new ByteLevelBpeTokenizer(parts, normalizer, splits, prefixSpace, useRegex, post, byteLevelDecoder);
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
            vocab = TokenizerJson.ReadVocab(vocabFile, vocabFile.Root, "");
        }
        var merges = ReadMergesTxt(mergesTxt);
        BpeModel bpe = BpeModel.FromMerges(vocab, merges,
            (rank, token) => new TokenizerException($"{mergesTxt}: merge {rank + 1} = {JsonFile.Quote(merges[rank].Left + " " + merges[rank].Right)}: token {JsonFile.Quote(token)} is not in {vocabJson}"));

        TokenizerConfig? config = tokenizerConfigJson is null ? null : TokenizerConfig.Read(tokenizerConfigJson);
        var normalizer = nfc ? new UnicodeNormalizer([NormalizationForm.FormC]) : UnicodeNormalizer.None;
        BpeParts parts = Assemble($"{vocabJson} + {mergesTxt}", bpe, [], normalizer.Normalize, config, null, default, addBosByDefault: false);
        return new ByteLevelBpeTokenizer(parts, normalizer, [(CompilePattern(pattern, mergesTxt, "pattern"), true)],
            addPrefixSpace: config?.AddPrefixSpace ?? false, byteLevelUsesRegex: false, NoPostProcessor, byteLevelDecoder: true);
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
        int[] missing = [.. Enumerable.Range(0, 256).Where(b => !vocab.ContainsKey(ByteLevelAlphabet.ByteToChar((byte)b).ToString()))];
        if (missing.Length > 0)
            throw new TokenizerException($"{tokenizerModel}: single-byte tokens = [{string.Join(", ", missing.Take(8).Select(b => $"0x{b:X2}"))}{(missing.Length > 8 ? ", ..." : "")}]: every byte must have a rank");

        TokenizerConfig? config = tokenizerConfigJson is null ? null : TokenizerConfig.Read(tokenizerConfigJson);
        BpeParts parts = Assemble(tokenizerModel, BpeModel.FromRanks(vocab), [], UnicodeNormalizer.None.Normalize, config, null, default, addBosByDefault: true);
        return new ByteLevelBpeTokenizer(parts, UnicodeNormalizer.None, [(CompilePattern(pattern, tokenizerModel, "pattern"), true)],
            addPrefixSpace: false, byteLevelUsesRegex: false, NoPostProcessor, byteLevelDecoder: true);
    }

    private static readonly PostProcessor NoPostProcessor = new(null, TrimOffsets: false, TrimAddPrefixSpace: false);

    // ------------------------------------------------------------------ merges.txt and tiktoken files

    private static List<(string Left, string Right)> ReadMergesTxt(string path)
    {
        string[] lines = JsonFile.ReadFile(path, p => File.ReadAllLines(p, Encoding.UTF8));
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
        string[] lines = JsonFile.ReadFile(path, p => File.ReadAllLines(p, Encoding.ASCII));
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

    // ------------------------------------------------------------------ tokenizer.json sections of this family

    private static UnicodeNormalizer ReadNormalizer(JsonFile file, JsonElement root)
    {
        if (file.OptionalObject(root, "", "normalizer") is not JsonElement normalizer) return UnicodeNormalizer.None;
        var forms = new List<NormalizationForm>();
        CollectNormalizers(file, normalizer, "normalizer", forms);
        return forms.Count == 0 ? UnicodeNormalizer.None : new UnicodeNormalizer(forms);
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

    private static bool ReadDecoder(JsonFile file, JsonElement root)
    {
        if (file.OptionalObject(root, "", "decoder") is not JsonElement decoder) return false;
        string type = file.RequireString(decoder, "decoder", "type");
        if (type != "ByteLevel") throw file.ErrorShown("decoder.type", JsonFile.Quote(type), "unsupported decoder (supported: ByteLevel, null)");
        return true;
    }
}
