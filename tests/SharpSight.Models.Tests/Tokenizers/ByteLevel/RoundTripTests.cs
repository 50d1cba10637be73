using System.Text;
using System.Text.Json;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>decode(encode(s)) gives s back: exactly for GPT-2 and Llama-3, as the NFC form of s for NeoX and Qwen2.5 (whose NFC normalizer changes non-NFC input before tokenizing).</summary>
public class RoundTripTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("neox")]
    [InlineData("llama3")]
    [InlineData("qwen2.5")]
    public void Decode_inverts_encode_on_the_corpus_and_edge_cases(string name)
    {
        var t = ByteLevelFixtures.ByName(name);
        bool nfc = ByteLevelFixtures.Normalizes(name);
        int changedByNfc = 0;
        foreach (string s in ByteLevelFixtures.Corpus.Concat(TokenizerEdgeCases.All))
        {
            string expected = nfc ? s.Normalize(NormalizationForm.FormC) : s;
            if (expected != s) changedByNfc++;
            string decoded = t.Decode(t.Encode(s, addSpecialTokens: false).Ids);
            Assert.True(expected == decoded, $"{name}: {JsonSerializer.Serialize(s)} decoded as {JsonSerializer.Serialize(decoded)}");
        }
        if (nfc) Assert.True(changedByNfc > 100, "the corpus should hold non-NFC text");
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama3")]
    public void Skipping_special_tokens_drops_template_tokens(string name)
    {
        var t = ByteLevelFixtures.ByName(name);
        var ids = t.Encode("Hello world").Ids;
        Assert.Equal("Hello world", t.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Invalid_utf8_decodes_with_one_replacement_character_per_maximal_invalid_subpart()
    {
        var t = ByteLevelFixtures.Gpt2;
        int Byte(byte b) => t.TokenToId(SharpSight.Models.Tokenizers.ByteLevel.ByteLevelAlphabet.ByteToChar(b).ToString())!.Value;
        Assert.Equal("\uFFFD", t.Decode([Byte(0xF0), Byte(0x9F), Byte(0x98)]));           // truncated 4-byte sequence
        Assert.Equal("a\uFFFDb", t.Decode([Byte((byte)'a'), Byte(0xF0), Byte(0x9F), Byte(0x98), Byte((byte)'b')]));
        Assert.Equal("\uFFFD\uFFFD", t.Decode([Byte(0xC0), Byte(0x80)]));                   // overlong
        Assert.Equal("\uFFFD\uFFFD\uFFFD", t.Decode([Byte(0xED), Byte(0xA0), Byte(0x80)])); // encoded surrogate
        Assert.Equal("\uFFFD", t.Decode([Byte(0xC3)]));
        Assert.Equal("é", t.Decode([Byte(0xC3), Byte(0xA9)]));                                // bytes join across tokens
    }

    [Fact]
    public void Lone_surrogates_are_encoded_as_the_replacement_character()
    {
        var t = ByteLevelFixtures.Gpt2;
        Assert.Equal(t.Encode("a\uFFFDb").Ids, t.Encode("a\uD800b").Ids);
        Assert.Equal("a\uFFFDb", t.Decode(t.Encode("a\uDC00b").Ids));
    }

    [Fact]
    public void NeoX_whitespace_tokens_decode_to_their_own_spaces()
    {
        var t = ByteLevelFixtures.NeoX;
        var ids = t.Encode("a" + new string(' ', 30) + "b").Ids;
        Assert.Contains(50254, ids); // 24 spaces
        Assert.Equal("a" + new string(' ', 30) + "b", t.Decode(ids));
    }
}
