using SharpSight.Models.Modules;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using SharpSight.Tracing.Graph;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Tests;

public class GraphTests(TracingFixture fixture) : IClassFixture<TracingFixture>
{
    private static Trace PatchingTrace(TransformerModel model)
    {
        var trace = new Trace(model);
        TraceInput clean = trace.Input(TracingFixture.Clean), corrupt = trace.Input(TracingFixture.Corrupt);
        corrupt.Blocks[0].ResidPost.Positions(new long[] { 2, 5 }).Set(clean.Blocks[0].ResidPost.Positions(new long[] { 2, 5 }).Value);
        corrupt.Blocks[1].ResidPost.Add(trace.Constant(Enumerable.Range(0, 64).Select(i => i / 64f).ToArray(), 64), scale: 0.5);
        TraceValue logits = corrupt.Logits.Value;
        (logits[0, ^1, 5] - logits[0, ^1, 7]).Save("diff");
        logits.Softmax().TopKIndices(3).Save("top3");
        clean.Blocks[1].Attn.Pattern.Heads(1).Value.Sum([-1L]).Save("pattern_rows");
        trace.Save("grad", trace.Gradient(logits[0, ^1, 5], corrupt.Blocks[0].ResidMid));
        return trace;
    }

    [Fact]
    public void A_json_round_trip_gives_an_identical_graph_and_identical_results()
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        Trace trace = PatchingTrace(model);
        string json = trace.Graph.ToJson();
        InterventionGraph read = InterventionGraph.FromJson(json);
        Assert.Equal(json, read.ToJson());

        using TraceResult direct = trace.Run();
        using TraceResult fromJson = GraphExecutor.Run(model, read, new TraceInputs([[TracingFixture.Clean], [TracingFixture.Corrupt]]));
        Assert.Equal(direct.Saved.Keys.Order(), fromJson.Saved.Keys.Order());
        foreach ((string name, Tensor value) in direct.Saved)
            Assert.True(value.eq(fromJson[name]).all().item<bool>(), name);
    }

    public static IEnumerable<object[]> BadGraphs =>
    [
        [(Action<Trace>)(t => t.Input(TracingFixture.Clean).Hook("blocks.0.hook_resid_psot").Value.Save("x")),
            "no hook point named 'blocks.0.hook_resid_psot'", "closest: blocks.0.hook_resid_post"],
        [(Action<Trace>)(t => t.Input(TracingFixture.Clean).Blocks[0].ResidPost.Set(t.Constant(new float[32], 32))),
            "cannot be written to 'blocks.0.hook_resid_post'", "[32]"],
        [(Action<Trace>)(t => { var i = t.Input(TracingFixture.Clean); i.Blocks[0].ResidPost.Set(i.Blocks[1].ResidPost.Value); }),
            "depends on 'blocks.1.hook_resid_post', which the forward pass reaches only later", ""],
        [(Action<Trace>)(t => { var i = t.Input(TracingFixture.Clean); t.StopAfter(i.Blocks[0].ResidPost); i.Logits.Value.Save("x"); }),
            "comes after the stop point", ""],
        [(Action<Trace>)(t => { var i = t.Input(TracingFixture.Clean); t.Gradient(i.Logits.Value, i.Embed); }),
            "must be a scalar", "[1, 6, 512]"],
        [(Action<Trace>)(t => t.Input(TracingFixture.Clean).Logits.Value.TopKValues(1000).Save("x")),
            "k = 1000 is outside 1..512", ""],
        [(Action<Trace>)(t => { var i = t.Input(TracingFixture.Clean); (i.Embed.Value + i.Blocks[0].Attn.Pattern.Value).Save("x"); }),
            "do not broadcast", ""],
    ];

    [Theory]
    [MemberData(nameof(BadGraphs))]
    public void Bad_graphs_are_refused_before_any_compute(Action<Trace> build, string expected, string alsoExpected)
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        int forwardCalls = 0;
        using var spy = model.Hooks["hook_embed"].Add((x, _) => { forwardCalls++; return null; });
        var trace = new Trace(model);
        Exception error = Record.Exception(() =>
        {
            build(trace);
            using TraceResult result = trace.Run();
        })!;
        Assert.NotNull(error);
        Assert.True(error is GraphException or KeyNotFoundException, error.GetType().Name + ": " + error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Contains(alsoExpected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(0, forwardCalls);
    }

    public static IEnumerable<object[]> BadJson =>
    [
        ["""{"format": "sharpsight.intervention_graph", "version": 1, "inputs": 1, "stop_after": null, "nodes": [{"id": 0, "type": "read", "hook": "hook_embed", "input": 0}, {"id": 1, "type": "op", "op": "system", "args": [{"node": 0}], "attributes": {}}]}""",
            "operation 'system' is not in the whitelist"],
        ["""{"format": "sharpsight.intervention_graph", "version": 9, "inputs": 1, "nodes": []}""", "version 9 is not supported"],
        ["""{"format": "sharpsight.intervention_graph", "version": 1, "inputs": 1, "nodes": [{"id": 0, "type": "save", "name": "x", "value": 3}]}""",
            "node 0 refers to node 3, which is not an earlier node"],
        ["""{"format": "sharpsight.intervention_graph", "version": 1, "inputs": 1, "nodes": [{"id": 0, "type": "eval", "code": "rm -rf /"}]}""",
            "'eval' is not one of read, constant, op, write, save, grad"],
        ["""{"format": "sharpsight.intervention_graph", "version": 1, "inputs": 1, "nodes": [{"id": 0, "type": "read", "hook": "hook_embed"}]}""",
            "field 'input' is missing"],
        ["not json", "not valid JSON"],
    ];

    [Theory]
    [MemberData(nameof(BadJson))]
    public void Bad_json_graphs_are_refused_with_the_node_and_field(string json, string expected)
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        var error = Assert.Throws<GraphException>(() =>
        {
            InterventionGraph graph = InterventionGraph.FromJson(json, "g.json");
            GraphValidator.Validate(graph, model, [1], 6, 6);
        });
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_graph_with_a_callback_refuses_serialization()
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        var trace = new Trace(model);
        trace.Callback("my_probe", t => t[0], null, trace.Input(TracingFixture.Clean).Embed.Value).Save("x");
        var error = Assert.Throws<GraphException>(() => trace.Graph.ToJson());
        Assert.Contains("callback 'my_probe'", error.Message);
        Assert.Contains("cannot be serialized", error.Message);
    }
}
