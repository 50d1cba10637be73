using System.Diagnostics;
using System.Text.Json.Nodes;
using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tokenizers.ByteLevel;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>The byte alphabet, code-point regex semantics, long inputs and concurrent use.</summary>
public class EngineTests
{
    [Fact]
    public void Byte_alphabet_is_gpt2s_bytes_to_unicode()
    {
        var chars = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar((byte)b)).ToArray();
        Assert.Equal(256, chars.Distinct().Count());
        Assert.Equal('Ġ', ByteLevelAlphabet.ByteToChar(0x20));
        Assert.Equal('Ċ', ByteLevelAlphabet.ByteToChar(0x0A));
        Assert.Equal('Ā', ByteLevelAlphabet.ByteToChar(0x00));
        Assert.Equal('A', ByteLevelAlphabet.ByteToChar((byte)'A'));
        Assert.Equal('Ń', ByteLevelAlphabet.ByteToChar(0xAD));
        Assert.Equal('ÿ', ByteLevelAlphabet.ByteToChar(0xFF));
        for (int b = 0; b < 256; b++)
        {
            Assert.True(ByteLevelAlphabet.TryCharToByte(chars[b], out byte back));
            Assert.Equal(b, back);
        }
        Assert.False(ByteLevelAlphabet.TryCharToByte(' ', out _));
        Assert.Equal("HelloĠworldĊ", ByteLevelAlphabet.EncodeText("Hello world\n"));
        Assert.Equal("ðŁĺĢ", ByteLevelAlphabet.EncodeText("😀"));
    }

    [Fact]
    public void Dotnet_regex_whitespace_is_unicode_White_Space_as_in_the_Rust_engines()
    {
        // Unicode's White_Space property (PropList.txt), which Oniguruma's and Rust regex's \s use; none is outside the BMP.
        int[] whiteSpace =
        [
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
            0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
        ];
        var regex = new System.Text.RegularExpressions.Regex(@"^\s$");
        for (int c = 0; c < 0x10000; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            Assert.True(regex.IsMatch(((char)c).ToString()) == whiteSpace.Contains(c), $"U+{c:X4}");
        }
    }

    [Theory]
    [InlineData("a𝐀b", new[] { "a𝐀b" })]                     // a supplementary letter is \p{L}
    [InlineData(" 𝟙𝟚x", new[] { " 𝟙𝟚", "x" })]                // a supplementary digit is \p{N}
    [InlineData("x😀y", new[] { "x", "😀", "y" })]              // an emoji is neither
    [InlineData("a\u00A0b", new[] { "a", "\u00A0", "b" })]    // NBSP is \s ...
    [InlineData("a\u3000\u3000b", new[] { "a", "\u3000", "\u3000", "b" })] // ... so is the ideographic space (no " ?" prefix: that is an ASCII space)
    [InlineData("a\u2028b", new[] { "a", "\u2028", "b" })]
    [InlineData("a\u0085b", new[] { "a", "\u0085", "b" })]
    [InlineData("a\u200Bb", new[] { "a", "\u200B", "b" })]    // ZWSP is not whitespace
    [InlineData("it's\r\n\tok", new[] { "it", "'s", "\r\n", "\t", "ok" })]
    public void Gpt2_pattern_splits_by_code_point_classes(string text, string[] pieces)
    {
        // Every expected piece is a vocabulary token and merging is off, so each pre-token comes out as one token.
        using var folder = new TempFolder();
        var t = TinyTokenizerJson.Load(folder, TinyTokenizerJson.Build(pieces.Where(p => p.Length > 1 || p[0] > 127).Distinct().ToArray(), ignoreMerges: true));
        Assert.Equal(pieces.Select(ByteLevelAlphabet.EncodeText), t.Encode(text).Tokens);
    }

    [Theory]
    [InlineData("'ſx", new[] { "'ſ", "x" })]           // Unicode case folding: (?i:'s) matches 'ſ as in Rust / Oniguruma
    [InlineData("I'LL GO", new[] { "I", "'LL", " GO" })]
    [InlineData("12345", new[] { "123", "45" })]
    [InlineData("😀abc", new[] { "😀abc" })]           // [^\r\n\p{L}\p{N}]? takes one whole code point
    [InlineData("a\n\n b", new[] { "a", "\n\n", " b" })]
    public void Llama3_pattern_splits_by_code_points(string text, string[] pieces)
    {
        using var folder = new TempFolder();
        var t = TinyTokenizerJson.Load(folder, TinyTokenizerJson.Build(pieces.Where(p => p.Length > 1 || p[0] > 127).Distinct().ToArray(), ignoreMerges: true, splitPattern: ByteLevelPatterns.Llama3));
        Assert.Equal(pieces.Select(ByteLevelAlphabet.EncodeText), t.Encode(text).Tokens);
    }

    [Fact]
    public void Split_behaviors_isolate_or_remove_the_matches()
    {
        using var folder = new TempFolder();
        var json = TinyTokenizerJson.Build(["ab", "cd", " cd"], ignoreMerges: true, splitPattern: " ");
        var isolated = TinyTokenizerJson.Load(folder, json, "isolated.json");
        Assert.Equal(["ab", "Ġ", "cd"], isolated.Encode("ab cd").Tokens);
        json["pre_tokenizer"]!["pretokenizers"]![0]!["behavior"] = "Removed";
        var removed = TinyTokenizerJson.Load(folder, json, "removed.json");
        Assert.Equal(["ab", "cd"], removed.Encode("ab cd").Tokens);
        Assert.Equal([(0, 2), (3, 5)], removed.Encode("ab cd").Offsets);
    }

    [Fact]
    public void Long_words_encode_in_near_linear_time()
    {
        var random = new Random(7);
        string word = new(Enumerable.Range(0, 50_000).Select(_ => (char)('a' + random.Next(26))).ToArray());
        var t = ByteLevelFixtures.Gpt2;
        t.Encode("warm up");
        var clock = Stopwatch.StartNew();
        var e = t.Encode(word);
        clock.Stop();
        Assert.Equal(word, t.Decode(e.Ids));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"50k-letter word took {clock.Elapsed}");

        string spaces = new(' ', 20_000);
        Assert.Equal(spaces, ByteLevelFixtures.Llama3.Decode(ByteLevelFixtures.Llama3.Encode(spaces, addSpecialTokens: false).Ids));
    }

    [Fact]
    public void Concurrent_encoding_gives_the_sequential_results()
    {
        var t = ByteLevelBpeTokenizer.FromTokenizerJson(SharedData.Path("tokenizers/gpt2/tokenizer.json")); // a fresh, empty cache
        var inputs = ByteLevelFixtures.Corpus.Take(2_000).ToArray();
        var parallel = new IReadOnlyList<int>[inputs.Length];
        Parallel.For(0, inputs.Length, i => parallel[i] = t.Encode(inputs[i]).Ids);
        for (int i = 0; i < inputs.Length; i++) Assert.Equal(ByteLevelFixtures.Gpt2.Encode(inputs[i]).Ids, parallel[i]);
    }

    [Fact]
    public void Merge_list_bpe_applies_merges_by_rank_not_by_position()
    {
        using var folder = new TempFolder();
        // "abcd": (c,d) has the best rank, then (b,cd), then (a,bcd); left-to-right merging would give ab + cd.
        var json = TinyTokenizerJson.Build(["cd", "bcd", "abcd", "ab"], [["c", "d"], ["b", "cd"], ["a", "bcd"], ["a", "b"]]);
        var t = TinyTokenizerJson.Load(folder, json);
        Assert.Equal(["abcd"], t.Encode("abcd").Tokens);
        Assert.Equal(["ab", "abcd"], t.Encode("ababcd").Tokens);
    }
}
