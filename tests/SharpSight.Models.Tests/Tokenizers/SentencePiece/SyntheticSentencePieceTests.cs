using System.Text.Json.Nodes;
using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tokenizers;
using SharpSight.Models.Tokenizers.SentencePiece;
using static SharpSight.Models.Tests.Tokenizers.SentencePiece.SyntheticTokenizers;

namespace SharpSight.Models.Tests.Tokenizers.SentencePiece;

/// <summary>
/// Hand-made tokenizer files (Gemma-style, Metaspace-style, SentencePiece models) whose HF / SentencePiece encodings are
/// worked out by hand from the rules, plus malformed files.
/// </summary>
public sealed class SyntheticSentencePieceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private SentencePieceBpeTokenizer Load(JsonObject json, string name = "tokenizer.json")
    {
        string dir = Path.Combine(_folder.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, json.ToJsonString());
        return SentencePieceBpeTokenizer.FromTokenizerJson(path);
    }

    private static int[] Ids(params string[] tokens) => [.. tokens.Select(Id)];

    public static TheoryData<string, int[], (int, int)[], string> GemmaCases => new()
    {
        // No prefix space (Replace only), merges by rank: H e → He, l l → ll, ll o → llo, He llo → Hello, then ▁world.
        { "Hello world", [Bos, .. Ids("Hello", "▁world")], [(0, 0), (0, 5), (5, 11)], "Hello world" },
        // A leading space is a real "▁" and is kept on decode: Gemma round-trips it.
        { " Hello", [Bos, .. Ids("▁", "Hello")], [(0, 0), (0, 1), (1, 6)], " Hello" },
        // "▁ ▁" has the worst rank, so "▁ w" wins and the first "▁" is left alone.
        { "  world", [Bos, .. Ids("▁", "▁world")], [(0, 0), (0, 1), (1, 7)], "  world" },
        { "Hello  ", [Bos, .. Ids("Hello", "▁▁")], [(0, 0), (0, 5), (5, 7)], "Hello  " },
        // "i" and "😀" are not in the vocabulary: UTF-8 byte pieces sharing the character's span.
        { "Hi", [Bos, Id("H"), FirstByte + 0x69], [(0, 0), (0, 1), (1, 2)], "Hi" },
        { "😀", [Bos, FirstByte + 0xF0, FirstByte + 0x9F, FirstByte + 0x98, FirstByte + 0x80], [(0, 0), (0, 2), (0, 2), (0, 2), (0, 2)], "😀" },
        { "", [Bos], [(0, 0)], "" },
    };

    [Theory]
    [MemberData(nameof(GemmaCases))]
    public void Gemma_style_file_encodes_and_decodes_as_hugging_face(string text, int[] ids, (int, int)[] offsets, string decoded)
    {
        foreach (bool pairs in new[] { true, false })   // merges as ["a", "b"] pairs or as "a b" strings
        {
            SentencePieceBpeTokenizer t = Load(GemmaStyle(mergesAsPairs: pairs));
            TokenEncoding e = t.Encode(text);
            Assert.Equal(ids, e.Ids);
            Assert.Equal(offsets, e.Offsets);
            Assert.Equal(decoded, t.Decode(e.Ids, skipSpecialTokens: true));
            Assert.Equal("<bos>" + decoded, t.Decode(e.Ids));
        }
    }

    [Fact]
    public void Gemma_style_ids_and_specials_come_from_the_file()
    {
        SentencePieceBpeTokenizer t = Load(GemmaStyle());
        Assert.Equal((Bos, (int?)Eos, (int?)Pad), (t.BosId!.Value, t.EosId, t.PadId));   // no tokenizer_config.json: template, then names
        Assert.Equal(Vocab().Count, t.VocabSize);
        Assert.Equal(4, t.SpecialTokens.Count);
        Assert.True(t.AddsBos);
        Assert.Equal("Hello", t.IdToToken(Id("Hello")));
    }

    [Fact]
    public void A_llama_or_gemma_tokenizer_class_in_the_config_adds_bos_even_without_a_post_processor()
    {
        JsonObject json = GemmaStyle();
        json["post_processor"] = null;
        json["added_tokens"]!.AsArray().RemoveAt(1);   // "<eos>" is then only a vocabulary entry
        string dir = Path.Combine(_folder.Path, "gemma-config");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        Assert.Equal(Ids("Hello"), SentencePieceBpeTokenizer.FromTokenizerJson(Path.Combine(dir, "tokenizer.json")).Encode("Hello").Ids);

        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
            """{"tokenizer_class": "GemmaTokenizer", "bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>"}""");
        SentencePieceBpeTokenizer t = SentencePieceBpeTokenizer.FromTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        Assert.Equal([Bos, .. Ids("Hello")], t.Encode("Hello").Ids);
        Assert.Equal((Bos, (int?)Eos, (int?)Pad), (t.BosId!.Value, t.EosId, t.PadId));
        // The config's eos_token becomes a special token, as transformers registers it.
        Assert.Equal(Eos, t.SpecialTokens["<eos>"]);
        Assert.Equal("Hello", t.Decode([Bos, Id("Hello"), Eos], skipSpecialTokens: true));
        Assert.Equal([Bos, .. Ids("Hello"), Eos], t.Encode("Hello<eos>", parseSpecialTokens: true).Ids);
    }

    [Fact]
    public void Unknown_characters_without_byte_fallback_become_unk_fused_or_not()
    {
        TokenEncoding fused = Load(GemmaStyle(byteFallback: false, fuseUnk: true)).Encode("Hxyz", addSpecialTokens: false);
        Assert.Equal([Id("H"), Unk], fused.Ids);
        Assert.Equal([(0, 1), (1, 4)], fused.Offsets);
        TokenEncoding separate = Load(GemmaStyle(byteFallback: false, fuseUnk: false)).Encode("Hxyz", addSpecialTokens: false);
        Assert.Equal([Id("H"), Unk, Unk, Unk], separate.Ids);
        Assert.Equal([(0, 1), (1, 2), (2, 3), (3, 4)], separate.Offsets);
        Assert.Equal("H", Load(GemmaStyle(byteFallback: false)).Decode(separate.Ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Added_tokens_follow_special_lstrip_rstrip_and_single_word()
    {
        SentencePieceBpeTokenizer t = Load(GemmaStyle(extraAddedTokens:
        [
            AddedToken(300, "<start_of_turn>", special: true),
            AddedToken(301, "<mask>", special: false),
            AddedToken(302, "<sep>", special: false, lstrip: true, rstrip: true),
            AddedToken(303, "ab", special: false, singleWord: true),
        ]));
        Assert.Equal(304, t.VocabSize);
        Assert.Equal([Bos, 300, Id("Hello")], t.Encode("<start_of_turn>Hello", parseSpecialTokens: true).Ids);
        Assert.DoesNotContain(300, t.Encode("<start_of_turn>Hello").Ids);
        // Non-special added tokens are matched whether or not special tokens are parsed, and survive skipSpecialTokens.
        Assert.Equal([Id("Hello"), 301], t.Encode("Hello<mask>", addSpecialTokens: false).Ids);
        Assert.Equal("Hello<mask>", t.Decode([Bos, Id("Hello"), 301], skipSpecialTokens: true));
        // lstrip / rstrip take the spaces around the token.
        TokenEncoding sep = t.Encode("He <sep> llo", addSpecialTokens: false);
        Assert.Equal([Id("He"), 302, Id("llo")], sep.Ids);
        Assert.Equal([(0, 2), (2, 9), (9, 12)], sep.Offsets);
        // single_word: only as a whole word.
        Assert.Equal([303], t.Encode("ab", addSpecialTokens: false).Ids);
        Assert.DoesNotContain(303, t.Encode("Hab", addSpecialTokens: false).Ids);
    }

    public static TheoryData<string, bool, string, bool, string[]> MetaspaceCases => new()
    {
        // scheme, split, text, parse specials, expected tokens
        { "always", true, "Hello world", false, ["▁", "Hello", "▁world"] },
        { "first", true, "Hello world", false, ["▁", "Hello", "▁world"] },
        { "never", true, "Hello world", false, ["Hello", "▁world"] },
        // A leading space becomes the "▁" prefix itself: nothing more is prepended.
        { "always", true, " Hello", false, ["▁", "Hello"] },
        // "first" prepends only to the piece at the start of the input, "always" to every piece.
        { "first", true, "<bos>Hello", true, ["<bos>", "Hello"] },
        { "always", true, "<bos>Hello", true, ["<bos>", "▁", "Hello"] },
        // split=true cuts before every "▁", so "▁▁" can only form without splitting.
        { "always", true, "Hello  ", false, ["▁", "Hello", "▁", "▁"] },
        { "always", false, "Hello  ", false, ["▁", "Hello", "▁▁"] },
    };

    [Theory]
    [MemberData(nameof(MetaspaceCases))]
    public void Metaspace_prepend_scheme_and_split_follow_hugging_face(string scheme, bool split, string text, bool parse, string[] tokens)
    {
        SentencePieceBpeTokenizer t = Load(MetaspaceStyle(scheme, split));
        Assert.Equal(tokens, t.Encode(text, addSpecialTokens: false, parseSpecialTokens: parse).Tokens);
    }

    [Theory]
    [InlineData("always", "Hello world")]
    [InlineData("first", "Hello world")]
    [InlineData("never", " Hello world")]   // with "never" the first token's "▁" is a space
    public void Metaspace_decoder_drops_the_first_tokens_space_symbol_unless_the_scheme_is_never(string scheme, string expected)
    {
        SentencePieceBpeTokenizer t = Load(MetaspaceStyle(scheme, split: true));
        Assert.Equal(expected, t.Decode([Id("▁"), Id("Hello"), Id("▁world")]));
    }

    private static readonly (string, float, int)[] SpmPieces =
    [
        ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3), ("▁", 0, 1), ("a", 0, 1), ("b", 0, 1),
        ("▁a", -1, 1), ("ab", -2, 1), ("▁ab", -3, 1), ("ba", 5, 5), ("[X]", 0, 4),
    ];

    private ITokenizer LoadModel(byte[] bytes, string? config = null)
    {
        string path = _folder.File(Guid.NewGuid().ToString("N") + ".model");
        File.WriteAllBytes(path, bytes);
        string? configPath = null;
        if (config is not null)
        {
            configPath = _folder.File(Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(configPath, config);
        }
        return SentencePieceBpeTokenizer.FromSentencePieceModel(path, configPath);
    }

    public static TheoryData<string, int[]> SpmCases => new()
    {
        // Highest score first: "▁a" (-1) before "ab" (-2), then "▁a"+"b" = "▁ab" (-3).
        { "ab", [1, 8] },
        // Unknown characters become unk one by one (no fusing in SentencePiece BPE, and no byte pieces here).
        { "ab xx", [1, 8, 3, 0, 0] },
        // "ba" is an UNUSED piece: it may merge but is split back into its parts.
        { "ba", [1, 3, 5, 4] },
        // A USER_DEFINED piece is matched as a whole and never merged.
        { "a[X]b", [1, 6, 10, 5] },
    };

    [Theory]
    [MemberData(nameof(SpmCases))]
    public void Sentencepiece_model_merges_by_score(string text, int[] ids)
    {
        ITokenizer t = LoadModel(SentencePieceModel(SpmPieces));
        Assert.Equal(ids, t.Encode(text).Ids);
    }

    [Fact]
    public void Sentencepiece_model_options_remove_extra_whitespace_and_dummy_prefix()
    {
        ITokenizer squeeze = LoadModel(SentencePieceModel(SpmPieces, removeExtraWhitespaces: true));
        TokenEncoding e = squeeze.Encode("  a   b  ", addSpecialTokens: false);
        Assert.Equal([6, 3, 5], e.Ids);   // "▁a▁b"
        Assert.Equal([(2, 3), (3, 4), (6, 7)], e.Offsets);   // the space kept from the squeezed run is its first one
        ITokenizer noPrefix = LoadModel(SentencePieceModel(SpmPieces, addDummyPrefix: false));
        Assert.Equal([7], noPrefix.Encode("ab", addSpecialTokens: false).Ids);
        Assert.Equal("ab", noPrefix.Decode([7]));
    }

    [Fact]
    public void Sentencepiece_model_reads_bos_eos_pad_from_the_trainer_spec_and_the_config()
    {
        ITokenizer t = LoadModel(SentencePieceModel(SpmPieces));
        Assert.Equal((1, 2, (int?)null), (t.BosId!.Value, t.EosId!.Value, t.PadId));
        ITokenizer c = LoadModel(SentencePieceModel(SpmPieces), """{"bos_token": "<s>", "eos_token": {"content": "</s>"}, "pad_token": "<unk>", "add_eos_token": true}""");
        Assert.Equal([1, 8, 2], c.Encode("ab").Ids);
        Assert.Equal(0, c.PadId);
    }

    public static TheoryData<string, string, string> MalformedJson => new()
    {
        { "truncated", "{\"model\": {\"type\": \"BPE\", \"vocab\": {", "invalid JSON" },
        { "not an object", "[1, 2]", "root" },
        { "no model", "{\"added_tokens\": []}", "model" },
        { "unknown model type", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", "model.type" },
        { "missing vocab", "{\"model\": {\"type\": \"BPE\", \"merges\": []}}", "model.vocab" },
        { "missing merges", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}", "model.merges" },
        { "merge of unknown tokens", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}", "model.merges[0]" },
        { "bad vocab id", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"zero\"}, \"merges\": []}}", "model.vocab" },
        { "unsupported normalizer", "{\"normalizer\": {\"type\": \"NFKC\"}, \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}", "normalizer.type" },
        { "unsupported decoder", "{\"decoder\": {\"type\": \"ByteLevel\"}, \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}", "decoder.type" },
        { "bad prepend scheme", "{\"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"sometimes\"}, \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}", "prepend_scheme" },
        { "added token without id", "{\"added_tokens\": [{\"content\": \"<s>\"}], \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}", "added_tokens[0].id" },
    };

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public void Malformed_tokenizer_json_is_a_tokenizer_exception_naming_the_file_and_field(string what, string content, string field)
    {
        string path = _folder.File($"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        var error = Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromTokenizerJson(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(field, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.NotNull(what);
    }

    [Fact]
    public void A_malformed_tokenizer_config_beside_the_file_is_named()
    {
        string dir = Path.Combine(_folder.Path, "with-config");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), GemmaStyle().ToJsonString());
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
        var error = Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromTokenizerJson(Path.Combine(dir, "tokenizer.json")));
        Assert.Contains("tokenizer_config.json", error.Message);
        Assert.Contains("add_bos_token", error.Message);
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"bos_token\": \"<nope>\"}");
        error = Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromTokenizerJson(Path.Combine(dir, "tokenizer.json")));
        Assert.Contains("<nope>", error.Message);
    }

    [Fact]
    public void A_missing_file_is_a_tokenizer_exception()
    {
        string path = _folder.File("absent.json");
        Assert.Contains(path, Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromTokenizerJson(path)).Message);
        Assert.Contains(path, Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromSentencePieceModel(path, null)).Message);
    }

    [Fact]
    public void Truncated_or_garbage_tokenizer_model_is_a_tokenizer_exception_naming_the_file()
    {
        byte[] real = File.ReadAllBytes(SharedData.Path("tokenizers/llama2/tokenizer.model"));
        var random = new Random(3);
        var cuts = new List<int> { 0, 1, 2, 3, 7, 100, real.Length / 2, real.Length - 1 };
        for (int i = 0; i < 8; i++) cuts.Add(random.Next(1, real.Length));
        foreach (int cut in cuts)
        {
            string path = _folder.File($"cut-{cut}.model");
            File.WriteAllBytes(path, real[..cut]);
            var error = Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromSentencePieceModel(path, null));
            Assert.Contains(path, error.Message);
        }
        byte[] garbage = new byte[4096];
        random.NextBytes(garbage);
        string garbagePath = _folder.File("garbage.model");
        File.WriteAllBytes(garbagePath, garbage);
        Assert.Contains(garbagePath, Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromSentencePieceModel(garbagePath, null)).Message);
    }

    [Fact]
    public void Unsupported_sentencepiece_models_are_rejected_with_the_reason()
    {
        var unigram = Assert.Throws<TokenizerException>(() => LoadModel(SentencePieceModel(SpmPieces, modelType: 1)));
        Assert.Contains("UNIGRAM", unigram.Message);
        var nfkc = Assert.Throws<TokenizerException>(() => LoadModel(SentencePieceModel(SpmPieces, normalizerName: "nmt_nfkc", charsMap: [1, 2, 3])));
        Assert.Contains("precompiled_charsmap", nfkc.Message);
    }
}
