using System.Text.Json.Nodes;
using SharpSight.Cli;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Cli.Tests;

public sealed class TokenizeAndGenerateTests : CliHarness
{
    // The GPT-2 tokenizer from shared/data, beside a tiny GPT-2-shaped model with GPT-2's vocabulary size.
    private static string SharedTokenizer(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/data/{relative} not found beside the checkout");
    }

    [Fact]
    public void Tokenize_prints_ids_tokens_and_offsets()
    {
        string folder = Path.Combine(Home, "gpt2-tokenizer");
        Directory.CreateDirectory(folder);
        File.Copy(SharedTokenizer("tokenizers/gpt2/tokenizer.json"), Path.Combine(folder, "tokenizer.json"));
        var (code, output, error) = Run("tokenize", "--model", folder, "--text", "Hello world");
        Assert.True(code == 0, error);
        Assert.Contains("ids     15496,995", output);
        Assert.Contains("\"Ġworld\"", output);
        Assert.Contains("[5, 11)  \" world\"", output);
    }

    [Fact]
    public void Text_and_ids_give_the_same_logits()
    {
        string folder = Folder("tiny-llama"), byText = Path.Combine(Home, "text.npy"), byIds = Path.Combine(Home, "ids.npy");
        var (code, output, error) = Run("tokenize", "--model", folder, "--text", "the model");
        Assert.True(code == 0, error);
        string ids = output.Split('\n')[0]["ids     ".Length..].Trim();
        Assert.Equal(0, Run("logits", "--model", folder, "--text", "the model", "--out", byText).Code);
        Assert.Equal(0, Run("logits", "--model", folder, "--ids", ids, "--out", byIds).Code);
        using var scope = NewDisposeScope();
        Assert.True(Npy.Read(byText).eq(Npy.Read(byIds)).all().item<bool>());
    }

    [Theory]
    [InlineData("tiny-gpt2")]
    [InlineData("tiny-gemma2")]
    public void Generate_is_reproducible_with_a_seed_and_reports_json(string name)
    {
        string folder = Folder(name);
        string[] args = ["generate", "--model", folder, "--prompt", "Once upon a time", "--max-tokens", "12", "--temperature", "1.0", "--top-p", "0.9", "--seed", "7", "--json"];
        var first = Run(args);
        var second = Run(args);
        Assert.True(first.Code == 0, first.Error);
        Assert.Equal(first.Output, second.Output);
        JsonNode result = JsonNode.Parse(first.Output)!;
        Assert.InRange(result["generated_ids"]!.AsArray().Count, 1, 12);
    }

    [Fact]
    public void Generate_streams_text_in_chat_format_with_prefill_and_persona_sampling()
    {
        string folder = Folder("tiny-pythia");
        foreach (string[] extra in new[] { new[] { "--chat" }, new[] { "--prefill", "Sure," }, new[] { "--sample-user", "--system", "Be kind." } })
        {
            var (code, output, error) = Run(["generate", "--model", folder, "--prompt", "Hello there", "--max-tokens", "5", .. extra]);
            Assert.True(code == 0, $"{string.Join(' ', extra)}: {error}");
            Assert.EndsWith("\n", output);
        }
    }

    [Theory]
    [InlineData(new[] { "logits", "--model", "builtin:tiny-llama", "--out", "x.npy" }, "give exactly one of --ids and --text")]
    [InlineData(new[] { "logits", "--model", "builtin:tiny-llama", "--ids", "1", "--text", "a", "--out", "x.npy" }, "give exactly one of --ids and --text")]
    [InlineData(new[] { "generate", "--model", "builtin:tiny-llama", "--prompt", "a", "--top-p", "2" }, "top-p must be in (0, 1], got 2")]
    [InlineData(new[] { "generate", "--model", "builtin:tiny-llama", "--prompt", "a", "--chat-format", "vicuna", "--chat" }, "chat format 'vicuna' is not one of")]
    public void Bad_input_gives_one_line(string[] args, string expected)
    {
        var (code, _, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_folder_without_a_tokenizer_is_named()
    {
        string folder = Path.Combine(Home, "no-tokenizer");
        Directory.CreateDirectory(folder);
        var (code, _, error) = Run("tokenize", "--model", folder, "--text", "x");
        Assert.Equal(1, code);
        Assert.Contains("no tokenizer found (looked for tokenizer.json, tokenizer.model, vocab.json + merges.txt)", error);
    }
}
