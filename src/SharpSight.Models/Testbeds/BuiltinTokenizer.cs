using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SharpSight.Core.IO;

namespace SharpSight.Models.Testbeds;

/// <summary>
/// Writes the tokenizer of the built-in models: a real Hugging Face tokenizer.json (GPT-2-style byte-level BPE) whose
/// merges are learned from a short embedded text, filling exactly the model's vocabulary. The built-in models then load
/// their tokenizer through the same code as a downloaded model.
/// </summary>
public static partial class BuiltinTokenizer
{
    /// <summary>The end-of-text token, the last id of the vocabulary.</summary>
    public const string EndOfText = "<|endoftext|>";

    private const string TrainingText =
        "Once upon a time there was a small model that wanted to understand itself. It read every story it could find, " +
        "and it learned that the cat sat on the mat, that the sun rises in the east, and that researchers like to look " +
        "inside models to see how they think. The model asked: what is a feature, what is a circuit, and where does the " +
        "answer come from? The researchers said: we will read your activations, patch them, and steer them, and then we " +
        "will know. In the evening the model counted one, two, three, four, five, and then it went to sleep.";

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Pattern();

    /// <summary>Writes tokenizer.json (and tokenizer_config.json) for a vocabulary of <paramref name="vocabSize"/> ids (at least 257).</summary>
    public static void Write(string folder, int vocabSize)
    {
        if (vocabSize < 257) throw new ArgumentException($"a byte-level vocabulary needs at least 257 ids, got {vocabSize}");
        string[] byteSymbols = ByteSymbols();
        var vocab = new List<string>(byteSymbols);
        var merges = new List<(string Left, string Right)>();

        // Words of the training text as byte symbols, with counts; merge the most frequent pair until the vocabulary is full.
        var words = Gpt2Pattern().Matches(TrainingText).GroupBy(m => m.Value)
            .Select(g => (Symbols: Encoding.UTF8.GetBytes(g.Key).Select(b => byteSymbols[b]).ToList(), Count: g.Count())).ToList();
        var known = new HashSet<string>(vocab);
        while (vocab.Count < vocabSize - 1)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            var candidates = pairs.Where(p => !known.Contains(p.Key.Item1 + p.Key.Item2)).ToList();
            if (candidates.Count == 0) break;
            var best = candidates.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).First().Key;
            merges.Add(best);
            vocab.Add(best.Item1 + best.Item2);
            known.Add(best.Item1 + best.Item2);
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == best.Item1 && symbols[i + 1] == best.Item2)
                    {
                        symbols[i] += symbols[i + 1];
                        symbols.RemoveAt(i + 1);
                    }
        }
        // Fill the rest with special placeholder tokens (dropped from decoded text) if the text offers too few merges,
        // then end-of-text as the last id.
        int learned = vocab.Count;
        while (vocab.Count < vocabSize - 1) vocab.Add($"<|unused_{vocab.Count}|>");
        int endOfText = vocab.Count;
        vocab.Add(EndOfText);

        var vocabJson = new JsonObject();
        for (int id = 0; id < vocab.Count; id++) vocabJson[vocab[id]] = id;
        var addedTokens = new JsonArray(Enumerable.Range(learned, vocab.Count - learned).Select(id => (JsonNode)new JsonObject
        {
            ["id"] = id, ["content"] = vocab[id], ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        }).ToArray());
        var byteLevel = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = addedTokens,
            ["normalizer"] = null,
            ["pre_tokenizer"] = byteLevel.DeepClone(),
            ["post_processor"] = byteLevel.DeepClone(),
            ["decoder"] = byteLevel.DeepClone(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "", ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["vocab"] = vocabJson,
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create($"{m.Left} {m.Right}")!).ToArray()),
            },
        };
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer.json"), tokenizer.ToJsonString(options));
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
        {
            ["tokenizer_class"] = "GPT2Tokenizer", ["bos_token"] = EndOfText, ["eos_token"] = EndOfText, ["unk_token"] = EndOfText,
            ["model_max_length"] = 128,
        }.ToJsonString(options));
    }

    // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest are shifted above U+0100.
    private static string[] ByteSymbols()
    {
        var symbols = new string[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            symbols[b] = ((char)(printable ? b : 256 + shifted++)).ToString();
        }
        return symbols;
    }
}
