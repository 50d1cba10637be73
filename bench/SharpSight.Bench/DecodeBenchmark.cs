using System.Diagnostics;
using System.Globalization;
using SharpSight.Core.Runtime;
using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Bench;

/// <summary>
/// Greedy decoding speed of a GPT-2-small-shaped model (random weights, fp32, CPU) with the KV cache against recomputing
/// the whole sequence at every step, in the same run: tokens/s of each and the speed-up.
/// </summary>
internal static class DecodeBenchmark
{
    public static int Run(string[] args)
    {
        int prompt = Arguments.Int(args, "--prompt", 64), newTokens = Arguments.Int(args, "--tokens", 64), batch = Arguments.Int(args, "--batch", 1);
        TorchRuntime.EnsureInitialized();
        Console.WriteLine($"threads {get_num_threads()}, batch {batch}, prompt {prompt} tokens, {newTokens} new tokens, greedy, fp32, GPT-2-small shape");
        using var model = new TransformerModel(ModelShapes.Gpt2Small());
        RandomWeights.Initialize(model, seed: 0);
        var generator = new TextGenerator(model, new IdTokenizer(model.Config.VocabSize));
        var random = new Random(7);
        IReadOnlyList<int>[] prompts = Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, prompt).Select(_ => random.Next(1, 50000)).ToArray()).ToArray();

        var options = new GenerationOptions { MaxNewTokens = newTokens, IgnoreEos = true };
        generator.Generate(prompts, options with { MaxNewTokens = 2 });   // warm-up
        (double cached, IReadOnlyList<int> cachedTokens) = Time(generator, prompts, options);
        (double uncached, IReadOnlyList<int> uncachedTokens) = Time(generator, prompts, options with { UseCache = false });

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"with KV cache      {cached:F2} s  ({batch * newTokens / cached:F1} tokens/s)"));
        Console.WriteLine(string.Create(inv, $"without KV cache   {uncached:F2} s  ({batch * newTokens / uncached:F1} tokens/s)"));
        Console.WriteLine(string.Create(inv, $"speed-up of the cache: {uncached / cached:F2}x; same tokens: {cachedTokens.SequenceEqual(uncachedTokens)}"));
        return 0;
    }

    private static (double Seconds, IReadOnlyList<int> Tokens) Time(TextGenerator generator, IReadOnlyList<int>[] prompts, GenerationOptions options)
    {
        var watch = Stopwatch.StartNew();
        var results = generator.Generate(prompts, options);
        return (watch.Elapsed.TotalSeconds, results.SelectMany(r => r.GeneratedIds).ToArray());
    }
}
