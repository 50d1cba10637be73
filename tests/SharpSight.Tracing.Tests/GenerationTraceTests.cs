using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Tests;

public class GenerationTraceTests(TracingFixture fixture) : IClassFixture<TracingFixture>
{
    private static readonly float[] Direction = Enumerable.Range(0, 64).Select(i => (float)Math.Cos(i * 0.7)).ToArray();

    [Theory]
    [InlineData("tiny-gpt2", true)]
    [InlineData("tiny-llama", true)]
    [InlineData("tiny-gemma2", false)]
    public void Steering_during_generation_equals_a_hand_written_step_loop(string name, bool useCache)
    {
        using TransformerModel model = fixture.Load(name);
        ITokenizer tokenizer = fixture.Tokenizer(name);
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        input.Blocks[0].ResidPost.Add(trace.Constant(Direction, 64), scale: 3.0);
        input.Logits.Positions(^1).Value.Save("last_logits");
        var options = new GenerationOptions { MaxNewTokens = 6, IgnoreEos = true, UseCache = useCache };
        using GenerationTraceResult traced = trace.Generate(tokenizer, options);

        // The same steering by hand: a hook on the model, the full sequence recomputed every step, greedy choice.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor steer = tensor(Direction) * 3.0;
        using var hook = model.Hooks["blocks.0.hook_resid_post"].Add((x, _) => x + steer);
        var ids = TracingFixture.Clean.ToList();
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            Tensor last = model.Forward(ids)[^1];
            Assert.True(traced.Steps[step]["last_logits"][0].allclose(last, rtol: 0, atol: 1e-4), $"step {step}");
            ids.Add(last.argmax().item<long>());
        }
        Assert.Equal(ids.Skip(TracingFixture.Clean.Length).Select(i => (int)i), traced.Generated[0].GeneratedIds);
    }

    [Fact]
    public void The_graph_can_apply_at_chosen_steps_only()
    {
        using TransformerModel model = fixture.Load("tiny-pythia");
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        input.Blocks[1].ResidPost.Value.Save("resid");
        using GenerationTraceResult result = trace.Generate(fixture.Tokenizer("tiny-pythia"),
            new GenerationOptions { MaxNewTokens = 4, IgnoreEos = true }, steps: new HashSet<int> { 0, 2 });
        Assert.Equal(4, result.Steps.Count);
        Assert.Equal(new long[] { 1, 6, 64 }, result.Steps[0]["resid"].shape);   // the prompt at step 0
        Assert.Empty(result.Steps[1]);
        Assert.Equal(new long[] { 1, 1, 64 }, result.Steps[2]["resid"].shape);   // one new position with the cache
        Assert.Empty(result.Steps[3]);
    }

    [Fact]
    public void Gradients_are_refused_during_generation()
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        trace.Gradient(input.Logits.Value[0, ^1, 0], input.Embed).Save("g");
        var error = Assert.Throws<SharpSight.Tracing.Graph.GraphException>(() => trace.Generate(fixture.Tokenizer("tiny-gpt2"), new GenerationOptions()));
        Assert.Contains("gradients are not available during generation", error.Message);
    }
}
