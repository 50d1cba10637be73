using System.Text.Json.Nodes;
using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tests.Tokenizers.ByteLevel;
using SharpSight.Models.Tests.Tokenizers.SentencePiece;
using SharpSight.Models.Tokenizers;
using SharpSight.Models.Tokenizers.ByteLevel;
using SharpSight.Models.Tokenizers.SentencePiece;

namespace SharpSight.Models.Tests.Tokenizers.Bpe;

/// <summary>
/// What the byte-level and SentencePiece-style families do alike because they share one implementation: reading the
/// shared tokenizer.json sections, applying tokenizer_config.json, and matching added tokens.
/// </summary>
public sealed class SharedBpeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(JsonObject json, string? config = null)
    {
        string dir = Path.Combine(_folder.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        if (config is not null) File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), config);
        string path = Path.Combine(dir, "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    [Theory]
    [InlineData("vocab id")]
    [InlineData("merge")]
    [InlineData("added token")]
    public void Both_families_report_a_malformed_shared_section_with_the_same_message(string what)
    {
        JsonObject json = TinyTokenizerJson.Build(["ab"], [["a", "b"]]);
        switch (what)
        {
            case "vocab id": json["model"]!["vocab"]!["a"] = "one"; break;
            case "merge": json["model"]!["merges"] = new JsonArray("a q"); break;
            case "added token": json["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 300 }); break;
        }
        string path = Write(json);
        string byteLevel = Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromTokenizerJson(path)).Message;
        string sentencePiece = Assert.Throws<TokenizerException>(() => SentencePieceBpeTokenizer.FromTokenizerJson(path)).Message;
        Assert.Equal(byteLevel, sentencePiece);
        Assert.StartsWith(path + ": ", byteLevel);
    }

    [Fact]
    public void A_config_token_set_to_null_means_none_and_a_missing_one_keeps_the_files_default()
    {
        JsonObject gemma = SyntheticTokenizers.GemmaStyle();
        Assert.Equal(SyntheticTokenizers.Bos, SentencePieceBpeTokenizer.FromTokenizerJson(Write(gemma, "{}")).BosId);
        Assert.Null(SentencePieceBpeTokenizer.FromTokenizerJson(Write(gemma, """{"bos_token": null}""")).BosId);

        JsonObject tiny = TinyTokenizerJson.Build(addedTokens: new JsonArray(TinyTokenizerJson.AddedToken(300, "<|endoftext|>", special: true)));
        Assert.Equal(300, ByteLevelBpeTokenizer.FromTokenizerJson(Write(tiny, "{}")).BosId);
        Assert.Null(ByteLevelBpeTokenizer.FromTokenizerJson(Write(tiny, """{"bos_token": null}""")).BosId);
    }

    [Fact]
    public void Config_named_tokens_become_special_added_tokens_in_both_families()
    {
        ByteLevelBpeTokenizer t = ByteLevelBpeTokenizer.FromTokenizerJson(Write(TinyTokenizerJson.Build(["xyz"]), """{"eos_token": "xyz"}"""));
        Assert.Equal(256, t.EosId);
        Assert.Equal(256, t.SpecialTokens["xyz"]);
        Assert.Equal([256], t.Encode("xyz", parseSpecialTokens: true).Ids);
        Assert.Equal([(int)'x', (int)'y', (int)'z'], t.Encode("xyz").Ids);
    }

    [Fact]
    public void Single_word_added_tokens_use_the_same_word_characters_in_both_families()
    {
        // Ⅻ is a letter number (Unicode \w), so "ab" next to it is not a single word.
        var sentencePiece = SentencePieceBpeTokenizer.FromTokenizerJson(Write(SyntheticTokenizers.GemmaStyle(
            extraAddedTokens: [SyntheticTokenizers.AddedToken(300, "ab", special: false, singleWord: true)])));
        var byteLevel = ByteLevelBpeTokenizer.FromTokenizerJson(Write(TinyTokenizerJson.Build(
            addedTokens: new JsonArray(TinyTokenizerJson.AddedToken(300, "ab", special: false, singleWord: true)))));
        foreach (ITokenizer t in new ITokenizer[] { sentencePiece, byteLevel })
        {
            Assert.Contains(300, t.Encode("ab Ⅻ", addSpecialTokens: false).Ids);
            Assert.DoesNotContain(300, t.Encode("abⅫ", addSpecialTokens: false).Ids);
        }
    }
}
