using System.Text;
using System.Text.Json;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>Token spans: in range, non-decreasing, and (for ASCII text) exactly the text the token decodes to.</summary>
public class OffsetTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("neox")]
    [InlineData("llama3")]
    [InlineData("qwen2.5")]
    public void Spans_are_in_range_and_non_decreasing(string name)
    {
        var t = ByteLevelFixtures.ByName(name);
        foreach (string s in ByteLevelFixtures.Corpus.Concat(TokenizerEdgeCases.All))
        {
            TokenEncoding e = t.Encode(s);
            Assert.Equal(e.Ids.Count, e.Offsets.Count);
            Assert.Equal(e.Ids.Count, e.Tokens.Count);
            int previousStart = 0, previousEnd = 0;
            foreach (var (start, end) in e.Offsets)
            {
                Assert.True(0 <= start && start <= end && end <= s.Length, $"{name} {JsonSerializer.Serialize(s)}: span ({start}, {end})");
                Assert.True(start >= previousStart && end >= previousEnd, $"{name} {JsonSerializer.Serialize(s)}: ({start}, {end}) after ({previousStart}, {previousEnd})");
                previousStart = start;
                previousEnd = end;
            }
        }
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama3")]
    [InlineData("qwen2.5")]
    public void Ascii_spans_are_the_decoded_text_of_each_token(string name)
    {
        // These post-processors keep spans untrimmed, so every token's span is exactly its text.
        var t = ByteLevelFixtures.ByName(name);
        int checkedStrings = 0;
        foreach (string s in ByteLevelFixtures.Corpus.Concat(TokenizerEdgeCases.All).Where(IsAscii))
        {
            TokenEncoding e = t.Encode(s, addSpecialTokens: false);
            var joined = new StringBuilder();
            for (int i = 0; i < e.Count; i++)
            {
                var (start, end) = e.Offsets[i];
                string piece = t.Decode([e.Ids[i]]);
                Assert.True(piece == s[start..end], $"{name} {JsonSerializer.Serialize(s)} token {i} {JsonSerializer.Serialize(e.Tokens[i])}: span text {JsonSerializer.Serialize(s[start..end])}");
                joined.Append(piece);
            }
            Assert.Equal(s, joined.ToString());
            checkedStrings++;
        }
        Assert.True(checkedStrings > 2_000);
    }

    [Fact]
    public void NeoX_ascii_spans_are_the_decoded_text_without_its_surrounding_spaces()
    {
        // NeoX trims spaces (Ġ and the plain-space added tokens) off the ends of each span, as its ByteLevel post-processor does.
        var t = ByteLevelFixtures.NeoX;
        foreach (string s in ByteLevelFixtures.Corpus.Concat(TokenizerEdgeCases.All).Where(IsAscii))
        {
            TokenEncoding e = t.Encode(s, addSpecialTokens: false);
            for (int i = 0; i < e.Count; i++)
            {
                var (start, end) = e.Offsets[i];
                string piece = t.Decode([e.Ids[i]]);
                string trimmed = piece.Trim(' ');
                Assert.True(trimmed.Length == 0 ? start == end : s[start..end] == trimmed,
                    $"{JsonSerializer.Serialize(s)} token {i} {JsonSerializer.Serialize(piece)}: span ({start}, {end})");
            }
        }
    }

    [Fact]
    public void Byte_tokens_of_one_character_share_its_span()
    {
        var e = ByteLevelFixtures.Gpt2.Encode("a👍🏽");
        Assert.Equal([(0, 1), (1, 3), (1, 3), (3, 5), (3, 5), (3, 5)], e.Offsets);
    }

    [Fact]
    public void Normalized_text_maps_back_to_its_source_characters()
    {
        // "e\u0301" is composed to "é" by NFC; the token covers both source characters.
        var e = ByteLevelFixtures.NeoX.Encode("cafe\u0301 ok");
        Assert.Equal("café ok", ByteLevelFixtures.NeoX.Decode(e.Ids));
        Assert.Equal(0, e.Offsets[0].Start);
        Assert.Equal(5, e.Offsets.First(o => o.End >= 5).End);
        Assert.Equal((6, 8), e.Offsets[^1]);
    }

    [Fact]
    public void Added_tokens_span_their_own_text()
    {
        var e = ByteLevelFixtures.Gpt2.Encode("ab<|endoftext|>cd", parseSpecialTokens: true);
        Assert.Equal([397, 50256, 10210], e.Ids);
        Assert.Equal([(0, 2), (2, 15), (15, 17)], e.Offsets);
    }

    private static bool IsAscii(string s) => s.All(c => c < 128);
}
