using System.Text;
using System.Text.Json.Nodes;

namespace SharpSight.Models.Tests.Tokenizers.SentencePiece;

/// <summary>Small hand-made tokenizer.json and tokenizer.model files whose expected encodings can be worked out by hand.</summary>
public static class SyntheticTokenizers
{
    public const int Bos = 2, Eos = 1, Pad = 0, Unk = 3, FirstByte = 4;

    /// <summary>Characters and merges of the tiny BPE vocabulary; merge rank = position in this list.</summary>
    public static readonly string[] Characters = ["▁", "H", "e", "l", "o", "w", "r", "d", "a", "b"];

    public static readonly (string A, string B)[] Merges =
    [
        ("H", "e"), ("l", "l"), ("ll", "o"), ("He", "llo"), ("▁", "w"), ("o", "r"), ("▁w", "or"), ("l", "d"), ("▁wor", "ld"), ("▁", "▁"),
    ];

    /// <summary>Token → id: Gemma's special layout (pad 0, eos 1, bos 2, unk 3), 256 byte pieces, characters, merge results.</summary>
    public static Dictionary<string, int> Vocab()
    {
        var vocab = new Dictionary<string, int> { ["<pad>"] = Pad, ["<eos>"] = Eos, ["<bos>"] = Bos, ["<unk>"] = Unk };
        for (int b = 0; b < 256; b++) vocab[$"<0x{b:X2}>"] = FirstByte + b;
        foreach (string c in Characters) vocab[c] = vocab.Count;
        foreach (var (a, b) in Merges) vocab[a + b] = vocab.Count;
        return vocab;
    }

    public static int Id(string token) => Vocab()[token];

    public static JsonObject Replace(string pattern, string content) =>
        new() { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = pattern }, ["content"] = content };

    public static JsonObject Metaspace(string scheme, bool split) =>
        new() { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = scheme, ["split"] = split };

    public static JsonObject AddedToken(int id, string content, bool special, bool normalized = false, bool lstrip = false, bool rstrip = false, bool singleWord = false) =>
        new()
        {
            ["id"] = id, ["content"] = content, ["single_word"] = singleWord, ["lstrip"] = lstrip, ["rstrip"] = rstrip,
            ["normalized"] = normalized, ["special"] = special,
        };

    /// <summary>
    /// A Gemma-style tokenizer.json: normalizer Replace(" ", "▁") with no prefix, pre-tokenizer Split(" ",
    /// MergedWithPrevious) (a no-op after the normalizer, as in Gemma's file), byte fallback, "&lt;bos&gt; $A" template,
    /// decoder Replace + ByteFallback + Fuse.
    /// </summary>
    public static JsonObject GemmaStyle(bool byteFallback = true, bool fuseUnk = false, bool mergesAsPairs = true, IEnumerable<JsonObject>? extraAddedTokens = null)
    {
        var json = Base(byteFallback, fuseUnk, mergesAsPairs, extraAddedTokens);
        json["normalizer"] = Replace(" ", "▁");
        json["pre_tokenizer"] = new JsonObject
        {
            ["type"] = "Split", ["pattern"] = new JsonObject { ["String"] = " " }, ["behavior"] = "MergedWithPrevious", ["invert"] = false,
        };
        json["decoder"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["decoders"] = new JsonArray(Replace("▁", " "), new JsonObject { ["type"] = "ByteFallback" }, new JsonObject { ["type"] = "Fuse" }),
        };
        return json;
    }

    /// <summary>A newer Llama/Mistral-style file: no normalizer, Metaspace pre-tokenizer and decoder.</summary>
    public static JsonObject MetaspaceStyle(string scheme, bool split)
    {
        var json = Base(byteFallback: true, fuseUnk: true, mergesAsPairs: false, null);
        json["normalizer"] = null;
        json["pre_tokenizer"] = Metaspace(scheme, split);
        json["decoder"] = Metaspace(scheme, split);
        return json;
    }

    private static JsonObject Base(bool byteFallback, bool fuseUnk, bool mergesAsPairs, IEnumerable<JsonObject>? extraAddedTokens)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in Vocab()) vocab[token] = id;
        var merges = new JsonArray();
        foreach (var (a, b) in Merges) merges.Add(mergesAsPairs ? new JsonArray(a, b) : JsonValue.Create($"{a} {b}"));
        var added = new JsonArray(AddedToken(Pad, "<pad>", true), AddedToken(Eos, "<eos>", true), AddedToken(Bos, "<bos>", true), AddedToken(Unk, "<unk>", true));
        foreach (JsonObject t in extraAddedTokens ?? []) added.Add(t);
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<bos>", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(),
                ["special_tokens"] = new JsonObject { ["<bos>"] = new JsonObject { ["id"] = "<bos>", ["ids"] = new JsonArray(Bos), ["tokens"] = new JsonArray("<bos>") } },
            },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = "<unk>", ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = fuseUnk, ["byte_fallback"] = byteFallback, ["ignore_merges"] = false,
                ["vocab"] = vocab, ["merges"] = merges,
            },
        };
    }

    /// <summary>Writes a minimal SentencePiece ModelProto.</summary>
    public static byte[] SentencePieceModel(IEnumerable<(string Piece, float Score, int Type)> pieces, int modelType = 2, bool byteFallback = false,
        bool addDummyPrefix = true, bool removeExtraWhitespaces = false, string normalizerName = "identity", byte[]? charsMap = null)
    {
        var model = new MemoryStream();
        foreach (var (piece, score, type) in pieces)
        {
            var p = new MemoryStream();
            WriteBytes(p, 1, Encoding.UTF8.GetBytes(piece));
            WriteTag(p, 2, 5);
            p.Write(BitConverter.GetBytes(score));
            WriteVarint(p, 3, (ulong)type);
            WriteBytes(model, 1, p.ToArray());
        }
        var trainer = new MemoryStream();
        WriteVarint(trainer, 3, (ulong)modelType);
        WriteVarint(trainer, 35, byteFallback ? 1UL : 0UL);
        WriteVarint(trainer, 40, 0);
        WriteVarint(trainer, 41, 1);
        WriteVarint(trainer, 42, 2);
        WriteVarint(trainer, 43, ulong.MaxValue);   // pad_id -1
        WriteBytes(model, 2, trainer.ToArray());
        var normalizer = new MemoryStream();
        WriteBytes(normalizer, 1, Encoding.UTF8.GetBytes(normalizerName));
        WriteBytes(normalizer, 2, charsMap ?? []);
        WriteVarint(normalizer, 3, addDummyPrefix ? 1UL : 0UL);
        WriteVarint(normalizer, 4, removeExtraWhitespaces ? 1UL : 0UL);
        WriteVarint(normalizer, 5, 1);
        WriteBytes(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    private static void WriteTag(Stream s, int field, int wire) => WriteRaw(s, (ulong)(field << 3 | wire));

    private static void WriteVarint(Stream s, int field, ulong value)
    {
        WriteTag(s, field, 0);
        WriteRaw(s, value);
    }

    private static void WriteBytes(Stream s, int field, byte[] bytes)
    {
        WriteTag(s, field, 2);
        WriteRaw(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteRaw(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}
