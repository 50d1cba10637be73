using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tokenizers;
using SharpSight.Models.Tokenizers.Vocabularies;

namespace SharpSight.Models.Tests.Tokenizers.Vocabularies;

/// <summary>Character and word vocabularies of the built-in testbeds (chess GPT characters, Othello moves).</summary>
public sealed class VocabularyTokenizerTests : IDisposable
{
    /// <summary>Karvonen's chess GPT vocabulary (meta.pkl itos, ids 0..31).</summary>
    private const string ChessCharacters = " #+-.0123456789;=BKNOQRabcdefghx";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The 60 playable Othello squares (a1..h8 without the centre four) and "pass".</summary>
    private static List<string> OthelloMoves()
    {
        var moves = new List<string>();
        foreach (char row in "12345678")
            foreach (char col in "abcdefgh")
            {
                string square = $"{col}{row}";
                if (square is not ("d4" or "e4" or "d5" or "e5")) moves.Add(square);
            }
        moves.Add("pass");
        return moves;
    }

    [Fact]
    public void Chess_characters_get_the_meta_pkl_ids_and_round_trip()
    {
        CharacterTokenizer t = CharacterTokenizer.FromCharacters(ChessCharacters);
        Assert.Equal(32, t.VocabSize);
        Assert.Equal(0, t.TokenToId(" "));
        Assert.Equal(15, t.TokenToId(";"));
        Assert.Equal(31, t.TokenToId("x"));
        Assert.Equal("a", t.IdToToken(23));
        string game = ";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.Bxc6 dxc6 5.O-O f6#";
        TokenEncoding e = t.Encode(game);
        Assert.Equal(game.Length, e.Count);
        Assert.Equal([15, 6, 4, 27, 9], e.Ids.Take(5));
        Assert.Equal(game.Select((_, i) => (i, i + 1)), e.Offsets);
        Assert.Equal(game.Select(c => c.ToString()), e.Tokens);
        Assert.Equal(game, t.Decode(e.Ids));
        Assert.Empty(t.SpecialTokens);
        Assert.Null(t.BosId);
    }

    public static TheoryData<string, int> UnknownCharacters => new()
    {
        { "e4 e5 Ke2?", 9 },
        { "Zebra", 0 },
        { "e4\te5", 2 },
        { "😀", 0 },
    };

    [Theory]
    [MemberData(nameof(UnknownCharacters))]
    public void Unknown_character_is_an_error_naming_it_and_its_position(string text, int position)
    {
        CharacterTokenizer t = CharacterTokenizer.FromCharacters(ChessCharacters);
        var error = Assert.Throws<TokenizerException>(() => t.Encode(text));
        Assert.Contains($"position {position}", error.Message);
        Assert.Contains($"U+{char.ConvertToUtf32(text, position):X4}", error.Message);
    }

    [Fact]
    public void Unknown_characters_map_to_unk_when_configured_and_specials_are_parsed_only_when_asked()
    {
        var t = CharacterTokenizer.FromCharacters("abc", bosToken: "<bos>", eosToken: "<eos>", padToken: "<pad>", unkToken: "<unk>", addBos: true, addEos: true);
        Assert.Equal(["a", "b", "c", "<bos>", "<eos>", "<pad>", "<unk>"], t.Tokens);
        Assert.Equal((3, 4, 5, 6), (t.BosId!.Value, t.EosId!.Value, t.PadId!.Value, t.UnkId!.Value));
        TokenEncoding e = t.Encode("a😀c");
        Assert.Equal([3, 0, 6, 2, 4], e.Ids);
        Assert.Equal([(0, 0), (0, 1), (1, 3), (3, 4), (4, 4)], e.Offsets);
        Assert.Equal("<bos>a<unk>c<eos>", t.Decode(e.Ids));
        Assert.Equal("ac", t.Decode(e.Ids, skipSpecialTokens: true));
        // "<pad>" in the text is characters (all unknown here) unless special tokens are parsed.
        Assert.Equal([6, 6, 0, 6, 6], t.Encode("<pad>", addSpecialTokens: false).Ids);
        Assert.Equal([5, 0], t.Encode("<pad>a", addSpecialTokens: false, parseSpecialTokens: true).Ids);
        Assert.Equal([0, 1], t.Encode("ab", addSpecialTokens: false).Ids);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Decode([7]));
    }

    [Fact]
    public void Othello_moves_are_words_with_per_word_offsets()
    {
        var t = new WordTokenizer(OthelloMoves(), padToken: "<pad>");
        Assert.Equal(62, t.VocabSize);
        Assert.Equal(60, t.TokenToId("pass"));
        Assert.Equal(61, t.PadId);
        string game = "  f5 d6\tc3\n d3 pass c4 ";
        TokenEncoding e = t.Encode(game);
        Assert.Equal(["f5", "d6", "c3", "d3", "pass", "c4"], e.Tokens);
        Assert.Equal([(2, 4), (5, 7), (8, 10), (12, 14), (15, 19), (20, 22)], e.Offsets);
        Assert.All(e.Offsets.Zip(e.Tokens), p => Assert.Equal(p.Second, game[p.First.Item1..p.First.Item2]));
        Assert.Equal("f5 d6 c3 d3 pass c4", t.Decode(e.Ids));
        Assert.Empty(t.Encode("   ").Ids);
    }

    [Fact]
    public void Unknown_word_is_an_error_naming_it_or_maps_to_unk()
    {
        var strict = new WordTokenizer(OthelloMoves());
        var error = Assert.Throws<TokenizerException>(() => strict.Encode("f5 d4 c3"));   // d4 is a starting square
        Assert.Contains("\"d4\"", error.Message);
        Assert.Contains("position 3", error.Message);

        var lenient = new WordTokenizer(OthelloMoves(), bosToken: "<s>", unkToken: "<unk>", addBos: true);
        TokenEncoding e = lenient.Encode("f5 d4 <s>");
        Assert.Equal([60 + 1, lenient.TokenToId("f5")!.Value, 62, 62], e.Ids);   // "<s>" is unknown text unless parsed
        Assert.Equal([61, lenient.TokenToId("f5")!.Value, 62, 61], lenient.Encode("f5 d4 <s>", parseSpecialTokens: true).Ids);
        Assert.Equal("f5 <unk> <unk>", lenient.Decode(e.Ids, skipSpecialTokens: false)[4..]);
        Assert.Equal("f5", lenient.Decode([61, lenient.TokenToId("f5")!.Value, 62], skipSpecialTokens: true));
    }

    [Fact]
    public void Save_and_load_round_trip_both_kinds()
    {
        var chars = CharacterTokenizer.FromCharacters(ChessCharacters + "é𝔘", bosToken: "<bos>", unkToken: "<unk>", addBos: true);
        string charPath = _folder.File("chars.json");
        chars.Save(charPath);
        CharacterTokenizer chars2 = CharacterTokenizer.Load(charPath);
        Assert.Equal(chars.Tokens, chars2.Tokens);
        Assert.Equal((chars.BosId, chars.EosId, chars.PadId, chars.UnkId, chars.AddsBos, chars.AddsEos), (chars2.BosId, chars2.EosId, chars2.PadId, chars2.UnkId, chars2.AddsBos, chars2.AddsEos));
        Assert.Equal(chars.Encode(";1.e4 é𝔘?").Ids, chars2.Encode(";1.e4 é𝔘?").Ids);

        // Specials placed at chosen ids keep them.
        var words = new WordTokenizer(["<pad>", .. OthelloMoves(), "<eos>"], padToken: "<pad>", eosToken: "<eos>", addEos: true);
        string wordPath = _folder.File("words.json");
        words.Save(wordPath);
        words.Save(wordPath);   // overwriting is atomic and fine
        WordTokenizer words2 = WordTokenizer.Load(wordPath);
        Assert.Equal(words.Tokens, words2.Tokens);
        Assert.Equal((0, 62), (words2.PadId!.Value, words2.EosId!.Value));
        Assert.Equal([words2.TokenToId("f5")!.Value, 62], words2.Encode("f5").Ids);
        Assert.Single(Directory.GetFiles(_folder.Path, "*words*"));   // no temporary file left behind

        var error = Assert.Throws<TokenizerException>(() => WordTokenizer.Load(charPath));
        Assert.Contains("kind", error.Message);
    }

    public static TheoryData<string, string, string> MalformedFiles => new()
    {
        { "truncated", "{\"format\": \"sharpsight-vocabulary\", \"tok", "invalid JSON" },
        { "not an object", "[\"a\"]", "root" },
        { "wrong format", "{\"format\": \"other\", \"version\": 1, \"kind\": \"character\", \"tokens\": [\"a\"]}", "format" },
        { "future version", "{\"format\": \"sharpsight-vocabulary\", \"version\": 9, \"kind\": \"character\", \"tokens\": [\"a\"]}", "version" },
        { "no tokens", "{\"format\": \"sharpsight-vocabulary\", \"version\": 1, \"kind\": \"character\"}", "tokens" },
        { "token not a string", "{\"format\": \"sharpsight-vocabulary\", \"version\": 1, \"kind\": \"character\", \"tokens\": [\"a\", 5]}", "tokens[1]" },
        { "two characters", "{\"format\": \"sharpsight-vocabulary\", \"version\": 1, \"kind\": \"character\", \"tokens\": [\"a\", \"bc\"]}", "tokens[1]" },
        { "duplicate", "{\"format\": \"sharpsight-vocabulary\", \"version\": 1, \"kind\": \"character\", \"tokens\": [\"a\", \"b\", \"a\"]}", "tokens[2]" },
        { "flag without token", "{\"format\": \"sharpsight-vocabulary\", \"version\": 1, \"kind\": \"character\", \"tokens\": [\"a\"], \"add_bos_token\": true}", "add_bos_token" },
        { "bad flag", "{\"format\": \"sharpsight-vocabulary\", \"version\": 1, \"kind\": \"character\", \"tokens\": [\"a\"], \"add_eos_token\": 1}", "add_eos_token" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Malformed_vocabulary_file_is_a_tokenizer_exception_naming_file_and_field(string what, string content, string field)
    {
        string path = _folder.File($"{what.Replace(' ', '-')}.json");
        File.WriteAllText(path, content);
        var error = Assert.Throws<TokenizerException>(() => CharacterTokenizer.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(field, error.Message);
        Assert.Throws<TokenizerException>(() => CharacterTokenizer.Load(_folder.File("absent.json")));
    }

    [Fact]
    public void Invalid_token_lists_are_rejected()
    {
        Assert.Contains("whitespace", Assert.Throws<TokenizerException>(() => new WordTokenizer(["e4", "e 5"])).Message);
        Assert.Contains("empty", Assert.Throws<TokenizerException>(() => new WordTokenizer(["e4", ""])).Message);
        Assert.Contains("duplicate", Assert.Throws<TokenizerException>(() => new WordTokenizer(["e4", "e4"])).Message);
        Assert.Contains("single character", Assert.Throws<TokenizerException>(() => new CharacterTokenizer(["a", "ab"])).Message);
        Assert.Contains("eos_token", Assert.Throws<TokenizerException>(() => CharacterTokenizer.FromCharacters("ab", addEos: true)).Message);
        Assert.Contains("empty", Assert.Throws<TokenizerException>(() => new CharacterTokenizer([])).Message);
    }

    [Fact]
    public void Both_implement_the_common_interface()
    {
        ITokenizer[] all = [CharacterTokenizer.FromCharacters("ab"), new WordTokenizer(["ab", "ba"])];
        Assert.All(all, t => Assert.Equal(2, t.VocabSize));
        Assert.All(all, t => Assert.Equal("ab", t.Decode(t.Encode("ab").Ids)));
        Assert.All(all, t => Assert.Null(t.IdToToken(2)));
    }
}
