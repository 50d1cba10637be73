using System.Text;
using System.Text.Json;
using SharpSight.Models.Tokenizers.Bpe;
using SharpSight.Models.Tokenizers.ByteLevel;
using SharpSight.Models.Tokenizers.SentencePiece;

namespace SharpSight.Models.Tokenizers;

/// <summary>
/// Finds and loads the tokenizer of a Hugging Face model folder, whichever files the family ships:
/// tokenizer.json (byte-level BPE, or SentencePiece-style BPE with byte fallback), tokenizer.model (SentencePiece
/// protobuf, or Llama 3's tiktoken ranks), or vocab.json + merges.txt (GPT-2 style, Qwen2).
/// </summary>
public static class TokenizerLoader
{
    /// <summary>Loads the tokenizer in <paramref name="folder"/>.</summary>
    /// <exception cref="TokenizerException">No tokenizer files, or files that cannot be read; the message names them.</exception>
    public static ITokenizer Load(string folder)
    {
        string Path(string name) => System.IO.Path.Combine(folder, name);
        string? config = File.Exists(Path("tokenizer_config.json")) ? Path("tokenizer_config.json") : null;

        if (File.Exists(Path("tokenizer.json"))) return FromTokenizerJson(Path("tokenizer.json"));
        if (File.Exists(Path("tokenizer.model")))
            return IsTiktoken(Path("tokenizer.model"))
                ? ByteLevelBpeTokenizer.FromTiktoken(Path("tokenizer.model"), config, ByteLevelPatterns.Llama3)
                : SentencePieceBpeTokenizer.FromSentencePieceModel(Path("tokenizer.model"), config);
        if (File.Exists(Path("vocab.json")) && File.Exists(Path("merges.txt")))
        {
            bool qwen2 = ModelType(folder) == "qwen2" || TokenizerClass(config) is "Qwen2Tokenizer" or "Qwen2TokenizerFast";
            return ByteLevelBpeTokenizer.FromVocabAndMerges(Path("vocab.json"), Path("merges.txt"), config,
                qwen2 ? ByteLevelPatterns.Qwen2 : ByteLevelPatterns.Gpt2, nfc: qwen2);
        }
        throw new TokenizerException($"{folder}: no tokenizer found (looked for tokenizer.json, tokenizer.model, vocab.json + merges.txt)");
    }

    /// <summary>Loads a tokenizer.json, choosing byte-level or SentencePiece-style BPE from its contents.</summary>
    public static ITokenizer FromTokenizerJson(string path)
    {
        bool byteLevel, sentencePiece;
        using (var file = JsonFile.Open(path))
        {
            JsonElement root = file.RootObject();
            JsonElement model = root.TryGetProperty("model", out JsonElement m) && m.ValueKind == JsonValueKind.Object ? m : default;
            string? modelType = model.ValueKind == JsonValueKind.Object && model.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (modelType != "BPE")
                throw new TokenizerException($"{path}: model.type '{modelType ?? "(missing)"}' is not supported (supported: BPE)");
            // SentencePiece-style files mark word starts with "▁" (Metaspace, or a Replace normalizer) and fall back to bytes.
            string setup = string.Concat(new[] { "pre_tokenizer", "normalizer", "decoder" }.Select(n => root.TryGetProperty(n, out JsonElement e) ? e.GetRawText() : ""));
            byteLevel = setup.Contains("\"ByteLevel\"", StringComparison.Ordinal);
            sentencePiece = setup.Contains("Metaspace", StringComparison.Ordinal) || setup.Contains("\\u2581", StringComparison.Ordinal)
                || setup.Contains('\u2581') || model.TryGetProperty("byte_fallback", out JsonElement b) && b.ValueKind == JsonValueKind.True;
        }
        if (byteLevel && !sentencePiece) return ByteLevelBpeTokenizer.FromTokenizerJson(path);
        if (sentencePiece) return SentencePieceBpeTokenizer.FromTokenizerJson(path);
        throw new TokenizerException($"{path}: neither a byte-level (ByteLevel) nor a SentencePiece-style (Metaspace / byte_fallback) BPE tokenizer");
    }

    /// <summary>The chat format named by the folder's tokenizer_config.json chat_template (plain when there is none).</summary>
    public static Chat.ChatFormat ChatFormat(string folder)
    {
        string path = System.IO.Path.Combine(folder, "tokenizer_config.json");
        return Chat.ChatFormat.FromTemplate(File.Exists(path) ? TokenizerConfig.Read(path).ChatTemplate : null);
    }

    // tiktoken files are text lines "base64 rank"; SentencePiece models are binary protobuf.
    private static bool IsTiktoken(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        string? first = reader.ReadLine();
        return first is not null && first.Split(' ') is [var token, var rank] && int.TryParse(rank, out _)
            && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=');
    }

    private static string? TokenizerClass(string? tokenizerConfig) => tokenizerConfig is null ? null : TokenizerConfig.Read(tokenizerConfig).TokenizerClass;

    private static string? ModelType(string folder)
    {
        string path = System.IO.Path.Combine(folder, "config.json");
        if (!File.Exists(path)) return null;
        using var file = JsonFile.Open(path);
        return file.OptionalString(file.RootObject(), "", "model_type");
    }
}
