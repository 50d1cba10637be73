using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers;
using SharpSight.Models.Tokenizers.ByteLevel;
using SharpSight.Models.Tests.Support;

namespace SharpSight.Models.Tests.Tokenizers;

public class BuiltinTokenizerTests
{
    [Fact]
    public void The_built_in_tokenizer_is_a_real_byte_level_tokenizer_json_filling_the_vocabulary()
    {
        using var folder = new TempFolder();
        BuiltinTokenizer.Write(folder.Path, 512);
        ByteLevelBpeTokenizer tokenizer = ByteLevelBpeTokenizer.FromTokenizerJson(folder.File("tokenizer.json"));
        Assert.Equal(512, tokenizer.VocabSize);
        Assert.Equal(511, tokenizer.EosId);
        Assert.Equal(511, tokenizer.SpecialTokens[BuiltinTokenizer.EndOfText]);

        const string text = "Once upon a time the model counted one, two, three. Ünïcödé 🙂 too.";
        TokenEncoding encoding = tokenizer.Encode(text);
        Assert.True(encoding.Count < System.Text.Encoding.UTF8.GetByteCount(text) / 2, "learned merges should shorten English text");
        Assert.Equal(text, tokenizer.Decode(encoding.Ids));
        Assert.Equal([511], tokenizer.Encode(BuiltinTokenizer.EndOfText, parseSpecialTokens: true).Ids);
    }

    [Fact]
    public void Built_in_models_come_with_their_tokenizer()
    {
        using var home = new TempFolder();
        foreach (string name in BuiltinModels.Names)
        {
            string folder = BuiltinModels.Resolve(BuiltinModels.Prefix + name, home.Path);
            Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")), name);
            Assert.True(File.Exists(Path.Combine(folder, "tokenizer_config.json")), name);
        }
    }
}
