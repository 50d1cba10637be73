using System.Text.Json.Nodes;
using SharpSight.Models.Tokenizers.ByteLevel;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>Builds small tokenizer.json documents: the 256 byte tokens (ids 0..255) plus given tokens and merges.</summary>
public static class TinyTokenizerJson
{
    /// <summary>A tokenizer.json with a byte-level vocabulary; <paramref name="extraTokens"/> are plain text, spelled here in the byte alphabet.</summary>
    public static JsonObject Build(string[]? extraTokens = null, string[][]? merges = null, bool ignoreMerges = false, string? splitPattern = null, JsonArray? addedTokens = null)
    {
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.ByteToChar((byte)b).ToString()] = b;
        int next = 256;
        foreach (string t in extraTokens ?? []) vocab[ByteLevelAlphabet.EncodeText(t)] = next++;
        var mergeArray = new JsonArray();
        foreach (string[] m in merges ?? []) mergeArray.Add(new JsonArray(ByteLevelAlphabet.EncodeText(m[0]), ByteLevelAlphabet.EncodeText(m[1])));
        JsonNode preTokenizer = splitPattern is null
            ? new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true }
            : new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = splitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            };
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = addedTokens ?? new JsonArray(),
            ["normalizer"] = null,
            ["pre_tokenizer"] = preTokenizer,
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = ignoreMerges,
                ["vocab"] = vocab,
                ["merges"] = mergeArray,
            },
        };
    }

    public static JsonObject AddedToken(int id, string content, bool special, bool singleWord = false, bool lstrip = false, bool rstrip = false, bool normalized = false) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = singleWord,
        ["lstrip"] = lstrip,
        ["rstrip"] = rstrip,
        ["normalized"] = normalized,
        ["special"] = special,
    };

    /// <summary>Writes the document into <paramref name="folder"/> and loads it.</summary>
    public static ByteLevelBpeTokenizer Load(Support.TempFolder folder, JsonObject json, string name = "tokenizer.json")
    {
        string path = folder.File(name);
        File.WriteAllText(path, json.ToJsonString());
        return ByteLevelBpeTokenizer.FromTokenizerJson(path);
    }
}
