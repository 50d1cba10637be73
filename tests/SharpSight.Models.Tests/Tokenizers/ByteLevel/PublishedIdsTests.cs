using SharpSight.Models.Tokenizers;
using SharpSight.Models.Tokenizers.ByteLevel;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>Published ids, vocabulary sizes and special ids of the real tokenizer files.</summary>
public class PublishedIdsTests
{
    [Theory]
    [InlineData("gpt2", new[] { 15496, 995 })]
    [InlineData("neox", new[] { 12092, 1533 })]
    [InlineData("llama3", new[] { 128000, 9906, 1917 })]
    [InlineData("qwen2.5", new[] { 9707, 1879 })]
    public void Hello_world_has_the_published_ids(string name, int[] expected)
    {
        Assert.Equal(expected, ByteLevelFixtures.ByName(name).Encode("Hello world").Ids);
    }

    [Fact]
    public void Gpt2_encodes_a_word_with_its_leading_space_as_one_token()
    {
        var e = ByteLevelFixtures.Gpt2.Encode(" brown");
        Assert.Equal([7586], e.Ids);
        Assert.Equal(["Ġbrown"], e.Tokens);
        Assert.Equal([(0, 6)], e.Offsets);
    }

    [Fact]
    public void Gpt2_offsets_keep_the_leading_space_because_its_post_processor_does_not_trim()
    {
        var e = ByteLevelFixtures.Gpt2.Encode("Hello world");
        Assert.Equal(["Hello", "Ġworld"], e.Tokens);
        Assert.Equal([(0, 5), (5, 11)], e.Offsets);
    }

    [Fact]
    public void NeoX_offsets_are_trimmed_by_its_ByteLevel_post_processor()
    {
        var e = ByteLevelFixtures.NeoX.Encode("Hello world");
        Assert.Equal([(0, 5), (6, 11)], e.Offsets);
    }

    [Fact]
    public void Llama3_bos_has_an_empty_span_and_is_left_out_without_special_tokens()
    {
        var e = ByteLevelFixtures.Llama3.Encode("Hello world");
        Assert.Equal(["<|begin_of_text|>", "Hello", "Ġworld"], e.Tokens);
        Assert.Equal([(0, 0), (0, 5), (5, 11)], e.Offsets);
        Assert.Equal([9906, 1917], ByteLevelFixtures.Llama3.Encode("Hello world", addSpecialTokens: false).Ids);
    }

    [Theory]
    [InlineData("gpt2", 50257, 50256, 50256, null)]
    [InlineData("neox", 50281, 0, 0, null)]
    [InlineData("llama3", 128256, 128000, 128009, null)]
    [InlineData("qwen2.5", 151665, null, 151645, 151643)]
    public void Vocabulary_size_and_special_ids(string name, int vocab, int? bos, int? eos, int? pad)
    {
        ITokenizer t = ByteLevelFixtures.ByName(name);
        Assert.Equal(vocab, t.VocabSize);
        Assert.Equal(bos, t.BosId);
        Assert.Equal(eos, t.EosId);
        Assert.Equal(pad, t.PadId);
    }

    [Theory]
    [InlineData("gpt2", "Ġworld", 995)]
    [InlineData("gpt2", "<|endoftext|>", 50256)]
    [InlineData("neox", "Ġworld", 1533)]
    [InlineData("neox", "  ", 50276)]
    [InlineData("llama3", "Ġworld", 1917)]
    [InlineData("llama3", "<|eot_id|>", 128009)]
    [InlineData("qwen2.5", "Ġworld", 1879)]
    [InlineData("qwen2.5", "<|im_end|>", 151645)]
    public void Token_strings_use_the_byte_level_spelling(string name, string token, int id)
    {
        var t = ByteLevelFixtures.ByName(name);
        Assert.Equal(id, t.TokenToId(token));
        Assert.Equal(token, t.IdToToken(id));
    }

    [Fact]
    public void Unknown_ids_and_tokens_give_null()
    {
        var t = ByteLevelFixtures.Gpt2;
        Assert.Null(t.IdToToken(-1));
        Assert.Null(t.IdToToken(50257));
        Assert.Null(t.TokenToId("not a token"));
        Assert.Equal("", t.Decode([-1, 99999]));
    }

    [Fact]
    public void Special_token_tables()
    {
        Assert.Equal(new Dictionary<string, int> { ["<|endoftext|>"] = 50256 }, ByteLevelFixtures.Gpt2.SpecialTokens);
        Assert.Equal(256, ByteLevelFixtures.Llama3.SpecialTokens.Count);
        Assert.Equal(128009, ByteLevelFixtures.Llama3.SpecialTokens["<|eot_id|>"]);
        Assert.Equal(14, ByteLevelFixtures.Qwen.SpecialTokens.Count);                  // <tool_call> etc. are added but not special
        Assert.DoesNotContain("<tool_call>", ByteLevelFixtures.Qwen.SpecialTokens.Keys);
        Assert.Equal(22, ByteLevelFixtures.Qwen.AddedTokens.Count);
        Assert.True(ByteLevelFixtures.Llama3.IgnoreMerges);
        Assert.False(ByteLevelFixtures.Gpt2.IgnoreMerges);
        Assert.Equal([ByteLevelPatterns.Qwen2], ByteLevelFixtures.Qwen.SplitPatterns);
        Assert.Empty(ByteLevelFixtures.Gpt2.SplitPatterns);
    }
}
