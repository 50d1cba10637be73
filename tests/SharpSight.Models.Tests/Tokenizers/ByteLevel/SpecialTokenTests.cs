using System.Text.Json.Nodes;
using SharpSight.Models.Tests.Support;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>Special and other added tokens, with Hugging Face's AddedVocabulary rules.</summary>
public class SpecialTokenTests
{
    [Fact]
    public void Gpt2_endoftext_is_one_token_only_when_special_tokens_are_parsed()
    {
        var t = ByteLevelFixtures.Gpt2;
        Assert.Equal([50256], t.Encode("<|endoftext|>", parseSpecialTokens: true).Ids);
        var plain = t.Encode("<|endoftext|>").Ids;
        Assert.True(plain.Count > 1);
        Assert.DoesNotContain(50256, plain);
        Assert.Equal("<|endoftext|>", t.Decode(plain));
        Assert.Equal([15496, 50256, 995], t.Encode("Hello<|endoftext|> world", parseSpecialTokens: true).Ids);
    }

    [Fact]
    public void Llama3_eot_id_likewise()
    {
        var t = ByteLevelFixtures.Llama3;
        Assert.Equal([128000, 9906, 128009], t.Encode("Hello<|eot_id|>", parseSpecialTokens: true).Ids);
        var plain = t.Encode("Hello<|eot_id|>").Ids;
        Assert.DoesNotContain(128009, plain);
        Assert.Equal("<|begin_of_text|>Hello<|eot_id|>", t.Decode(plain));
        Assert.Equal("<|begin_of_text|>Hello<|eot_id|>", t.Decode(t.Encode("Hello<|eot_id|>", parseSpecialTokens: true).Ids));
        Assert.Equal("Hello", t.Decode(t.Encode("Hello<|eot_id|>", parseSpecialTokens: true).Ids, skipSpecialTokens: true));
        Assert.Equal("Hello<|eot_id|>", t.Decode(plain, skipSpecialTokens: true)); // ordinary text is never skipped
    }

    [Fact]
    public void Chat_markup_parses_into_control_tokens()
    {
        var t = ByteLevelFixtures.Qwen;
        var ids = t.Encode("<|im_start|>user\nhi<|im_end|>", parseSpecialTokens: true).Ids;
        Assert.Equal(151644, ids[0]);
        Assert.Equal(151645, ids[^1]);
        Assert.Equal("user\nhi", t.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Non_special_added_tokens_are_always_cut_out()
    {
        // Qwen2.5's <tool_call> is an added token with special: false, so it is matched even without parsing special tokens,
        // and skip-special decoding keeps it.
        var t = ByteLevelFixtures.Qwen;
        var ids = t.Encode("<tool_call>x</tool_call>").Ids;
        Assert.Equal(151657, ids[0]);
        Assert.Equal(151658, ids[^1]);
        Assert.Equal("<tool_call>x</tool_call>", t.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void NeoX_space_runs_are_added_tokens_matched_longest_first()
    {
        var t = ByteLevelFixtures.NeoX;
        Assert.Equal([66, 50276, 67], t.Encode("a  b").Ids);                 // "  " = 50276, then "b" without a space
        Assert.Equal([66, 50254, 50276, 67], t.Encode("a" + new string(' ', 26) + "b").Ids);
        Assert.Equal([66, 270], t.Encode("a b").Ids);                        // a single space stays with the word
        var e = t.Encode("a    b");
        Assert.Equal([66, 50274, 67], e.Ids);
        Assert.Equal([(0, 1), (5, 5), (5, 6)], e.Offsets);                   // all-space tokens trim to an empty span
    }

    [Fact]
    public void Lstrip_rstrip_and_single_word_follow_Hugging_Face()
    {
        using var folder = new TempFolder();
        var added = new JsonArray(
            TinyTokenizerJson.AddedToken(300, "<mask>", special: true, lstrip: true),
            TinyTokenizerJson.AddedToken(301, "cat", special: false, singleWord: true),
            TinyTokenizerJson.AddedToken(302, "[R]", special: false, rstrip: true));
        var t = TinyTokenizerJson.Load(folder, TinyTokenizerJson.Build(addedTokens: added));

        var mask = t.Encode("a <mask> b", parseSpecialTokens: true);
        Assert.Equal([(int)'a', 300, (int)' ', (int)'b'], mask.Ids);  // tiny vocabulary: byte b has id b
        Assert.Equal(" <mask>", mask.Tokens[1]);        // the match took in the space before it
        Assert.Equal((1, 8), mask.Offsets[1]);

        Assert.Contains(301, t.Encode("the cat sat").Ids);
        Assert.DoesNotContain(301, t.Encode("concatenate").Ids);
        Assert.DoesNotContain(301, t.Encode("cats").Ids);
        Assert.Contains(301, t.Encode("(cat)").Ids);

        var r = t.Encode("[R]   x");
        Assert.Equal(302, r.Ids[0]);
        Assert.Equal("[R]   ", r.Tokens[0]);
        Assert.Equal((0, 6), r.Offsets[0]);
        Assert.Equal([(int)'x'], r.Ids.Skip(1).ToArray());

        // A special token that is not parsed stays text: its characters are not matched by other added tokens either.
        Assert.DoesNotContain(300, t.Encode("a <mask> b").Ids);
        Assert.Equal("a <mask> b", t.Decode(t.Encode("a <mask> b").Ids));
        Assert.Equal("a b", t.Decode(t.Encode("a <mask> b", parseSpecialTokens: true).Ids, skipSpecialTokens: true));
    }
}
