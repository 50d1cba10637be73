using System.Text.Json.Nodes;
using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tokenizers;
using SharpSight.Models.Tokenizers.ByteLevel;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>File formats: what loads, and one-line errors naming the file, the field and the value for what does not.</summary>
public class LoadingTests
{
    private static TokenizerException LoadFails(TempFolder folder, string text, string name = "tokenizer.json")
    {
        string path = folder.File(name);
        File.WriteAllText(path, text);
        var e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromTokenizerJson(path));
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static TokenizerException LoadFails(TempFolder folder, JsonObject json) => LoadFails(folder, json.ToJsonString());

    [Fact]
    public void Invalid_json()
    {
        using var folder = new TempFolder();
        var e = LoadFails(folder, "{ \"model\": { \"type\": \"BPE\", ");
        Assert.Contains("not valid JSON", e.Message);
        LoadFails(folder, "[1, 2, 3]");
    }

    [Theory]
    [InlineData("WordPiece")]
    [InlineData("Unigram")]
    [InlineData("WordLevel")]
    public void Other_model_types(string type)
    {
        using var folder = new TempFolder();
        var json = TinyTokenizerJson.Build();
        json["model"]!["type"] = type;
        var e = LoadFails(folder, json);
        Assert.Contains("model.type", e.Message);
        Assert.Contains(type, e.Message);
    }

    [Fact]
    public void Merge_naming_a_token_not_in_the_vocabulary()
    {
        using var folder = new TempFolder();
        var json = TinyTokenizerJson.Build(["ab"]);
        json["model"]!["merges"] = new JsonArray("a b", "zz q");
        var e = LoadFails(folder, json);
        Assert.Contains("model.merges[1]", e.Message);
        Assert.Contains("zz", e.Message);

        json["model"]!["merges"] = new JsonArray("a c"); // both bytes exist, but "ac" does not
        Assert.Contains("\"ac\"", LoadFails(folder, json).Message);

        json["model"]!["merges"] = new JsonArray("a b c");
        Assert.Contains("model.merges[0]", LoadFails(folder, json).Message);
    }

    [Fact]
    public void Missing_or_malformed_sections()
    {
        using var folder = new TempFolder();
        var json = TinyTokenizerJson.Build();
        ((JsonObject)json["model"]!).Remove("vocab");
        Assert.Contains("model.vocab", LoadFails(folder, json).Message);

        json = TinyTokenizerJson.Build();
        json.Remove("model");
        Assert.Contains("model", LoadFails(folder, json).Message);

        json = TinyTokenizerJson.Build();
        json["model"]!["vocab"]!["a"] = "one";
        Assert.Contains("model.vocab[\"a\"] = \"one\"", LoadFails(folder, json).Message);

        json = TinyTokenizerJson.Build();
        json["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 300 });
        Assert.Contains("added_tokens[0].content", LoadFails(folder, json).Message);
    }

    [Theory]
    [InlineData("normalizer", "{\"type\": \"Lowercase\"}", "normalizer.type")]
    [InlineData("normalizer", "{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"}, {\"type\": \"Strip\"}]}", "normalizer.normalizers[1].type")]
    [InlineData("pre_tokenizer", "{\"type\": \"Whitespace\"}", "pre_tokenizer.type")]
    [InlineData("pre_tokenizer", "{\"type\": \"Metaspace\", \"replacement\": \"▁\"}", "pre_tokenizer.type")]
    [InlineData("pre_tokenizer", "null", "pre_tokenizer")]
    [InlineData("pre_tokenizer", "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"ByteLevel\"}, {\"type\": \"Digits\"}]}", "pretokenizers[0].type")]
    [InlineData("pre_tokenizer", "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": \"\\\\p{Han}+\"}, \"behavior\": \"Isolated\", \"invert\": false}, {\"type\": \"ByteLevel\"}]}", "pretokenizers[0].pattern")]
    [InlineData("pre_tokenizer", "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": \"a\"}, \"behavior\": \"MergedWithNext\", \"invert\": false}, {\"type\": \"ByteLevel\"}]}", "pretokenizers[0].behavior")]
    [InlineData("post_processor", "{\"type\": \"RobertaProcessing\"}", "post_processor.type")]
    [InlineData("post_processor", "{\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\": \"<s>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], \"special_tokens\": {}}", "special_tokens[\"<s>\"]")]
    [InlineData("decoder", "{\"type\": \"WordPiece\"}", "decoder.type")]
    public void Unsupported_pipeline_parts(string section, string value, string field)
    {
        using var folder = new TempFolder();
        var json = TinyTokenizerJson.Build();
        json[section] = JsonNode.Parse(value);
        var e = LoadFails(folder, json);
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("byte_fallback", "true")]
    [InlineData("dropout", "0.1")]
    [InlineData("continuing_subword_prefix", "\"##\"")]
    [InlineData("end_of_word_suffix", "\"</w>\"")]
    [InlineData("unk_token", "\"<unk>\"")]
    public void Unsupported_model_options(string option, string value)
    {
        using var folder = new TempFolder();
        var json = TinyTokenizerJson.Build();
        json["model"]![option] = JsonNode.Parse(value);
        Assert.Contains($"model.{option}", LoadFails(folder, json).Message);
    }

    [Fact]
    public void Missing_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "sharpsight-no-such-dir", "tokenizer.json");
        var e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromTokenizerJson(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Merges_as_strings_and_as_pairs_load_the_same_model()
    {
        using var folder = new TempFolder();
        var pairs = TinyTokenizerJson.Build(["he", "ll", "hell", "hello"], [["h", "e"], ["l", "l"], ["he", "ll"], ["hell", "o"]]);
        var strings = TinyTokenizerJson.Build(["he", "ll", "hell", "hello"]);
        strings["model"]!["merges"] = new JsonArray("h e", "l l", "he ll", "hell o");
        var a = TinyTokenizerJson.Load(folder, pairs, "pairs.json");
        var b = TinyTokenizerJson.Load(folder, strings, "strings.json");
        Assert.Equal([259], a.Encode("hello").Ids);
        Assert.Equal(a.Encode("hello hell").Ids, b.Encode("hello hell").Ids);
    }

    [Fact]
    public void Ignore_merges_emits_a_pre_token_found_in_the_vocabulary_whole()
    {
        using var folder = new TempFolder();
        string[] tokens = ["ab", "bc", "abc"];        // ids 256, 257, 258
        string[][] merges = [["b", "c"], ["a", "b"]];  // merging alone gives a + bc
        var plain = TinyTokenizerJson.Load(folder, TinyTokenizerJson.Build(tokens, merges), "plain.json");
        var ignoring = TinyTokenizerJson.Load(folder, TinyTokenizerJson.Build(tokens, merges, ignoreMerges: true), "ignoring.json");
        Assert.Equal([(int)'a', 257], plain.Encode("abc").Ids);
        Assert.Equal([258], ignoring.Encode("abc").Ids);
        Assert.Equal([256, (int)'d'], ignoring.Encode("abd").Ids); // not in the vocabulary: merged as usual
    }

    [Fact]
    public void Template_post_processor_adds_bos_and_eos()
    {
        using var folder = new TempFolder();
        var added = new JsonArray(TinyTokenizerJson.AddedToken(300, "<s>", special: true), TinyTokenizerJson.AddedToken(301, "</s>", special: true));
        var json = TinyTokenizerJson.Build(addedTokens: added);
        json["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
               "pair": [],
               "special_tokens": {"<s>": {"id": "<s>", "ids": [300], "tokens": ["<s>"]}, "</s>": {"id": "</s>", "ids": [301], "tokens": ["</s>"]}}}]}
            """);
        var t = TinyTokenizerJson.Load(folder, json);
        var e = t.Encode("hi");
        Assert.Equal([300, (int)'h', (int)'i', 301], e.Ids);
        Assert.Equal([(0, 0), (0, 1), (1, 2), (0, 0)], e.Offsets);
        Assert.Equal([(int)'h', (int)'i'], t.Encode("hi", addSpecialTokens: false).Ids);
        Assert.Equal(300, t.BosId);
        Assert.Equal(301, t.EosId);
        Assert.Equal("<s>hi</s>", t.Decode(e.Ids));
        Assert.Equal("hi", t.Decode(e.Ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Tokenizer_config_beside_the_file_names_bos_eos_and_pad()
    {
        using var folder = new TempFolder();
        var added = new JsonArray(TinyTokenizerJson.AddedToken(300, "<s>", special: true), TinyTokenizerJson.AddedToken(301, "<pad>", special: true));
        File.WriteAllText(folder.File("tokenizer_config.json"), """{"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "<s>", "pad_token": "<pad>"}""");
        var t = TinyTokenizerJson.Load(folder, TinyTokenizerJson.Build(addedTokens: added));
        Assert.Equal((300, 300, 301), (t.BosId, t.EosId, t.PadId));

        File.WriteAllText(folder.File("tokenizer_config.json"), """{"eos_token": "<|nope|>"}""");
        var e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromTokenizerJson(folder.File("tokenizer.json")));
        Assert.Contains("tokenizer_config.json: eos_token = \"<|nope|>\"", e.Message);
    }

    [Fact]
    public void Add_prefix_space_prepends_a_space_that_takes_the_first_characters_span()
    {
        using var folder = new TempFolder();
        var json = TinyTokenizerJson.Build([" h", " hi"], [[" ", "h"], [" h", "i"]]);
        json["pre_tokenizer"]!["add_prefix_space"] = true;
        json["post_processor"] = JsonNode.Parse("""{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true}""");
        var t = TinyTokenizerJson.Load(folder, json);
        var e = t.Encode("hi");
        Assert.Equal(["Ġhi"], e.Tokens);
        Assert.Equal([(0, 2)], e.Offsets);
        Assert.Equal(" hi", t.Decode(e.Ids)); // as Hugging Face: the added space is decoded too
    }

    [Fact]
    public void Vocab_and_merges_errors_name_the_file_and_line()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("vocab.json"), """{"a": 0, "b": 1, "ab": 2}""");
        File.WriteAllText(folder.File("merges.txt"), "#version: 0.2\na b\na b c\n");
        var e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromVocabAndMerges(folder.File("vocab.json"), folder.File("merges.txt"), null, ByteLevelPatterns.Gpt2, nfc: false));
        Assert.Contains("merges.txt: line 3", e.Message);

        File.WriteAllText(folder.File("merges.txt"), "a b\nab q\n");
        e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromVocabAndMerges(folder.File("vocab.json"), folder.File("merges.txt"), null, ByteLevelPatterns.Gpt2, nfc: false));
        Assert.Contains("merge 2", e.Message);
        Assert.Contains("\"q\"", e.Message);

        File.WriteAllText(folder.File("vocab.json"), """["a"]""");
        e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromVocabAndMerges(folder.File("vocab.json"), folder.File("merges.txt"), null, ByteLevelPatterns.Gpt2, nfc: false));
        Assert.Contains("vocab.json", e.Message);
    }

    [Fact]
    public void Tiktoken_errors_name_the_file_and_line()
    {
        using var folder = new TempFolder();
        string path = folder.File("tokenizer.model");
        File.WriteAllText(path, "IQ== 0\nnot-base64! 1\n");
        var e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromTiktoken(path, null, ByteLevelPatterns.Llama3));
        Assert.Contains($"{path}: line 2", e.Message);

        File.WriteAllText(path, "IQ== 0\nIg==\n");
        e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromTiktoken(path, null, ByteLevelPatterns.Llama3));
        Assert.Contains("line 2", e.Message);

        File.WriteAllText(path, "IQ== 0\nIg== 1\n");
        e = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromTiktoken(path, null, ByteLevelPatterns.Llama3));
        Assert.Contains("every byte must have a rank", e.Message);
    }

    [Fact]
    public void Tiktoken_ranks_are_ids_and_the_lowest_ranked_pair_merges_first()
    {
        using var folder = new TempFolder();
        var lines = Enumerable.Range(0, 256).Select(b => $"{Convert.ToBase64String([(byte)b])} {b}").ToList();
        lines.Add($"{Convert.ToBase64String("bc"u8.ToArray())} 256");
        lines.Add($"{Convert.ToBase64String("ab"u8.ToArray())} 257");
        lines.Add($"{Convert.ToBase64String("abcd"u8.ToArray())} 258");
        lines.Add($"{Convert.ToBase64String("abc"u8.ToArray())} 259");
        File.WriteAllLines(folder.File("ranks.tiktoken"), lines);
        var t = ByteLevelBpeTokenizer.FromTiktoken(folder.File("ranks.tiktoken"), null, ByteLevelPatterns.Llama3);
        Assert.Equal([259], t.Encode("abc").Ids);                 // the whole pre-token is a token
        Assert.Equal([259, (int)'e'], t.Encode("abce").Ids);      // bc (256) before ab (257), then a+bc = abc (259)
        Assert.Equal([258, (int)'e'], t.Encode("abcde").Ids);     // ... then abc+d = abcd (258)
        Assert.Equal([(int)'x', 257], t.Encode("xab").Ids);
        Assert.Equal("Ġ", t.IdToToken(32));
        Assert.Equal(260, t.VocabSize);
    }
}
