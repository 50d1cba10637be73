using SharpSight.Models.Generation;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Examples;

internal static class Examples
{
    private const string Boy = "Once upon a time, there was a little boy named Tim. One day,";
    private const string Girl = "Once upon a time, there was a little girl named Lily. One day,";

    /// <summary>
    /// Activation patching, layer by position: the residual stream entering each block at each position is copied from the
    /// "boy" prompt into the "girl" prompt, and the logit difference " he" − " she" at the last position is measured.
    /// Every (layer, position) is one input of a single batched trace.
    /// </summary>
    public static void Patching(StoryModel story)
    {
        long he = story.Tokenizer.TokenToId("▁he")!.Value, she = story.Tokenizer.TokenToId("▁she")!.Value;
        long[] clean = story.Ids(Boy), corrupt = story.Ids(Girl);
        int layers = story.Model.Config.Layers, positions = clean.Length;

        var trace = new Trace(story.Model);
        TraceInput source = trace.Input(clean), baseline = trace.Input(corrupt);
        TraceValue Metric(TraceInput input) => input.Logits.Value[0, ^1, (int)he] - input.Logits.Value[0, ^1, (int)she];
        Metric(source).Save("clean");
        Metric(baseline).Save("corrupt");
        for (int layer = 0; layer < layers; layer++)
            for (int position = 0; position < positions; position++)
            {
                TraceInput patched = trace.Input(corrupt);
                patched.Blocks[layer].ResidPre.Positions(position).Set(source.Blocks[layer].ResidPre.Positions(position).Value);
                Metric(patched).Save($"patched_{layer}_{position}");
            }
        using TraceResult result = trace.Run();

        Console.WriteLine($"activation patching: logit(' he') - logit(' she') at the last position, {trace.Inputs.Count} inputs in one trace");
        Console.WriteLine($"clean (boy) {result["clean"].item<float>():F2}, corrupt (girl) {result["corrupt"].item<float>():F2}");
        Console.WriteLine("rows: blocks.L.hook_resid_pre; columns: positions whose tokens differ or follow, then the last three");
        string[] tokens = [.. story.Tokenizer.Encode(Boy).Tokens];
        int[] shown = [.. Enumerable.Range(0, positions).Where(p => clean[p] != corrupt[p] || p >= positions - 3)];
        Console.WriteLine("        " + string.Concat(shown.Select(p => $"{tokens[p].Replace('▁', ' '),8}")));
        for (int layer = 0; layer < layers; layer++)
            Console.WriteLine($"layer {layer} " + string.Concat(shown.Select(p => $"{result[$"patched_{layer}_{p}"].item<float>(),8:F2}")));
        Console.WriteLine();
    }

    /// <summary>
    /// A steering vector: the difference of mean residual streams (block 2 input) of a "boy" and a "girl" prompt, added
    /// with a scale at every position and every decoding step.
    /// </summary>
    public static void Steering(StoryModel story)
    {
        var measure = new Trace(story.Model);
        TraceInput boy = measure.Input(story.Ids(Boy)), girl = measure.Input(story.Ids(Girl));
        (boy.Blocks[2].ResidPre.Value.Mean([1L]) - girl.Blocks[2].ResidPre.Value.Mean([1L])).Save("direction");
        using TraceResult measured = measure.Run();
        Tensor direction = measured["direction"][0];

        var options = new GenerationOptions { MaxNewTokens = 24 };
        const string prompt = "Once upon a time, there was a little girl named Lily. One day,";
        Console.WriteLine($"steering: prompt \"{prompt}\"");
        foreach (double scale in new[] { 0.0, 4.0 })
        {
            var trace = new Trace(story.Model);
            TraceInput input = trace.Input(story.Ids(prompt));
            if (scale != 0) input.Blocks[2].ResidPre.Add(trace.Constant(direction), scale);
            using GenerationTraceResult result = trace.Generate(story.Tokenizer, options);
            Console.WriteLine($"  scale {scale}: {result.Generated[0].Text}");
        }
        Console.WriteLine();
    }

    /// <summary>
    /// Gradient attribution: d(logit(' he') − logit(' she')) / d(hook_embed), dotted with the embedding at each position
    /// (gradient × input), for the "boy" prompt.
    /// </summary>
    public static void Attribution(StoryModel story)
    {
        long he = story.Tokenizer.TokenToId("▁he")!.Value, she = story.Tokenizer.TokenToId("▁she")!.Value;
        var trace = new Trace(story.Model);
        TraceInput input = trace.Input(story.Ids(Boy));
        TraceValue embed = input.Embed.Value;
        TraceValue metric = input.Logits.Value[0, ^1, (int)he] - input.Logits.Value[0, ^1, (int)she];
        (trace.Gradient(metric, input.Embed) * embed).Sum([-1L]).Save("attribution");
        using TraceResult result = trace.Run();

        Console.WriteLine("gradient x input attribution of logit(' he') - logit(' she') to each token embedding:");
        string[] tokens = [.. story.Tokenizer.Encode(Boy).Tokens];
        float[] scores = result["attribution"][0].data<float>().ToArray();
        foreach (int p in Enumerable.Range(0, tokens.Length).OrderByDescending(p => Math.Abs(scores[p])).Take(6))
            Console.WriteLine($"  {p,2} {tokens[p].Replace('▁', ' '),-8} {scores[p],7:F3}");
    }
}
