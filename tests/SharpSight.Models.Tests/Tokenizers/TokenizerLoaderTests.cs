using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Models.Tests.Tokenizers;

/// <summary>Every real tokenizer folder in shared/data loads through the one entry point, whichever files it ships.</summary>
public class TokenizerLoaderTests
{
    private static string Folder(string name) => Path.GetDirectoryName(SharedData.Path($"tokenizers/{name}/tokenizer_config.json"))!;

    [Theory]
    [InlineData("gpt2", new[] { 15496, 995 })]                    // tokenizer.json, byte-level
    [InlineData("llama2", new[] { 1, 15043, 3186 })]              // tokenizer.json, SentencePiece-style
    [InlineData("mistral-7b-v0.1", new[] { 1, 22557, 1526 })]     // tokenizer.json, SentencePiece-style
    [InlineData("llama3", new[] { 128000, 9906, 1917 })]          // tokenizer.model, tiktoken ranks
    [InlineData("qwen2.5", new[] { 9707, 1879 })]                 // vocab.json + merges.txt, Qwen2 pattern chosen from tokenizer_class
    public void Hello_world_encodes_as_published(string folder, int[] expected) =>
        Assert.Equal(expected, TokenizerLoader.Load(Folder(folder)).Encode("Hello world").Ids);

    [Fact]
    public void A_sentencepiece_model_file_alone_is_read_from_protobuf()
    {
        using var folder = new TempFolder();
        File.Copy(SharedData.Path("tokenizers/llama2/tokenizer.model"), folder.File("tokenizer.model"));
        Assert.Equal([1, 15043, 3186], TokenizerLoader.Load(folder.Path).Encode("Hello world").Ids);
    }

    [Fact]
    public void GPT_NeoX_20B_tokenizer_json_under_its_hub_name()
    {
        using var folder = new TempFolder();
        File.Copy(SharedData.Path("tokenizers/gpt-neox-20b/20B_tokenizer.json"), folder.File("tokenizer.json"));
        Assert.Equal([12092, 1533], TokenizerLoader.Load(folder.Path).Encode("Hello world").Ids);
    }

    [Fact]
    public void Unsupported_and_malformed_files_get_one_line_errors()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("tokenizer.json"), """{"model": {"type": "WordPiece", "vocab": {}}}""");
        Assert.Contains("model.type 'WordPiece' is not supported (supported: BPE)", Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(folder.Path)).Message);
        File.WriteAllText(folder.File("tokenizer.json"), "{ not json");
        Assert.Contains("tokenizer.json: not valid JSON", Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(folder.Path)).Message);
        File.Delete(folder.File("tokenizer.json"));
        Assert.Contains("no tokenizer found", Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(folder.Path)).Message);
    }

    [Theory]
    [InlineData("llama3", "llama3.1")]
    [InlineData("qwen2.5", "chatml")]
    [InlineData("gemma", "gemma")]
    public void The_chat_format_comes_from_the_folder(string folder, string expected) =>
        Assert.Equal(expected, TokenizerLoader.ChatFormat(Folder(folder)).Name);
}
