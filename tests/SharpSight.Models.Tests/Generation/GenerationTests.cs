using SharpSight.Models.Generation;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tests.Support;

namespace SharpSight.Models.Tests.Generation;

public sealed class GenerationTests : IDisposable
{
    private readonly TempFolder _home = new();

    public void Dispose() => _home.Dispose();

    private TransformerModel Builtin(string name) => ModelLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + name, _home.Path));

    private static readonly IReadOnlyList<int>[] Prompts = [[72, 101, 108, 108, 111], [87, 104, 121], [1, 2, 3, 4, 5, 6, 7, 8]];

    public static IEnumerable<object[]> Families => BuiltinModels.Names.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Families))]
    public void Generation_with_and_without_the_cache_gives_the_same_tokens(string name)
    {
        using TransformerModel model = Builtin(name);
        var generator = new TextGenerator(model, new BytesTokenizer());
        var options = new GenerationOptions { MaxNewTokens = 12, IgnoreEos = true };
        var cached = generator.Generate(Prompts, options);
        var uncached = generator.Generate(Prompts, options with { UseCache = false });
        for (int i = 0; i < Prompts.Length; i++) Assert.Equal(uncached[i].GeneratedIds, cached[i].GeneratedIds);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_batch_generates_what_each_prompt_generates_alone(string name)
    {
        using TransformerModel model = Builtin(name);
        var generator = new TextGenerator(model, new BytesTokenizer());
        foreach (var options in new[]
        {
            new GenerationOptions { MaxNewTokens = 10, IgnoreEos = true },
            new GenerationOptions { MaxNewTokens = 10, IgnoreEos = true, Temperature = 1.5, TopP = 0.95, Seed = 5 },
        })
        {
            var batched = generator.Generate(Prompts, options);
            for (int i = 0; i < Prompts.Length; i++)
                Assert.Equal(generator.Generate([Prompts[i]], options)[0].GeneratedIds, batched[i].GeneratedIds);
        }
    }

    [Fact]
    public void A_seed_reproduces_a_sample_token_for_token_and_another_seed_differs()
    {
        using TransformerModel model = Builtin("tiny-gpt2");
        var generator = new TextGenerator(model, new BytesTokenizer());
        var options = new GenerationOptions { MaxNewTokens = 30, IgnoreEos = true, Temperature = 2.0, TopK = 200, Seed = 42 };
        var first = generator.Generate([Prompts[0]], options)[0].GeneratedIds;
        var again = generator.Generate([Prompts[0]], options)[0].GeneratedIds;
        var other = generator.Generate([Prompts[0]], options with { Seed = 43 })[0].GeneratedIds;
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Stop_tokens_end_a_sequence_and_are_kept()
    {
        using TransformerModel model = Builtin("tiny-llama");
        var generator = new TextGenerator(model, new BytesTokenizer());
        var free = generator.Generate([Prompts[0]], new GenerationOptions { MaxNewTokens = 8, IgnoreEos = true })[0];
        int stop = free.GeneratedIds[3];
        var stopped = generator.Generate([Prompts[0]], new GenerationOptions { MaxNewTokens = 8, IgnoreEos = true, StopTokens = [stop] })[0];
        int firstStop = free.GeneratedIds.ToList().IndexOf(stop);
        Assert.Equal(free.GeneratedIds.Take(firstStop + 1), stopped.GeneratedIds);
        Assert.Equal(StopReason.StopToken, stopped.Reason);
        Assert.Equal(StopReason.MaxTokens, free.Reason);
    }

    [Fact]
    public void Streamed_text_adds_up_to_the_result_and_stop_strings_cut_it()
    {
        using TransformerModel model = Builtin("tiny-pythia");
        var tokenizer = new BytesTokenizer();
        var generator = new TextGenerator(model, tokenizer);
        var options = new GenerationOptions { MaxNewTokens = 40, IgnoreEos = true, Temperature = 1.0, Seed = 3 };
        // A prompt of printable bytes the model will keep producing text from.
        var free = generator.Generate([Prompts[0]], options)[0];
        string freeText = free.Text;
        var pieces = new List<string>();
        var streamed = generator.Generate([Prompts[0]], options, (_, text) => pieces.Add(text))[0];
        Assert.Equal(freeText, string.Concat(pieces));

        if (freeText.Length >= 4)
        {
            string stop = freeText.Substring(freeText.Length / 2, 2);
            var cut = generator.Generate([Prompts[0]], options with { StopStrings = [stop] }, (_, text) => pieces.Add(text))[0];
            Assert.Equal(freeText[..freeText.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
            Assert.Equal(StopReason.StopString, cut.Reason);
        }
    }

    [Fact]
    public void Bad_options_are_refused_with_the_option_named()
    {
        using TransformerModel model = Builtin("tiny-gpt2");
        var generator = new TextGenerator(model, new BytesTokenizer());
        Assert.Contains("top-p", Assert.Throws<ArgumentException>(() => generator.Generate([Prompts[0]], new GenerationOptions { TopP = 1.5 })).Message);
        Assert.Contains("temperature", Assert.Throws<ArgumentException>(() => generator.Generate([Prompts[0]], new GenerationOptions { Temperature = -1 })).Message);
        Assert.Contains("at least one token", Assert.Throws<ArgumentException>(() => generator.Generate([Array.Empty<int>()], new GenerationOptions())).Message);
    }
}
