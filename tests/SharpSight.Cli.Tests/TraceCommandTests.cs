using System.Text.Json.Nodes;
using SharpSight.Cli;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Tracing.Api;
using static TorchSharp.torch;

namespace SharpSight.Cli.Tests;

public sealed class TraceCommandTests : CliHarness
{
    [Fact]
    public void Trace_runs_a_json_graph_and_writes_npy_files_and_a_summary()
    {
        string folder = BuiltinModels.Resolve(BuiltinModels.Prefix + "tiny-gpt2", Home);
        using TransformerModel model = ModelLoader.Load(folder);
        var trace = new Trace(model);
        TraceInput clean = trace.Input([1L, 2, 3, 4]), corrupt = trace.Input([1L, 2, 9, 4]);
        corrupt.Blocks[0].ResidPost.Set(clean.Blocks[0].ResidPost.Value);
        TraceValue logits = corrupt.Logits.Value;
        (logits[0, ^1, 5] - logits[0, ^1, 7]).Save("logit_diff");
        clean.Blocks[1].Attn.Pattern.Value.Save("pattern");
        string graphFile = Path.Combine(Home, "g.json"), outDir = Path.Combine(Home, "out");
        File.WriteAllText(graphFile, trace.Graph.ToJson());
        using var expected = trace.Run();

        var (code, output, error) = Run("trace", "--model", folder, "--ids", "1,2,3,4;1,2,9,4", "--graph", graphFile, "--out", outDir);
        Assert.True(code == 0, error);
        Assert.Contains("wrote 2 value(s)", output);
        using var scope = NewDisposeScope();
        Assert.True(Npy.Read(Path.Combine(outDir, "pattern.npy")).eq(expected["pattern"]).all().item<bool>());
        JsonNode summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        Assert.Equal(expected["logit_diff"].item<float>(), summary["saved"]!["logit_diff"]!["value"]!.GetValue<double>(), 5);
    }

    [Fact]
    public void A_bad_graph_file_gets_one_line()
    {
        string graphFile = Path.Combine(Home, "bad.json");
        File.WriteAllText(graphFile, """{"format": "sharpsight.intervention_graph", "version": 1, "inputs": 1, "nodes": [{"id": 0, "type": "read", "hook": "blocks.7.hook_resid_post", "input": 0}]}""");
        var (code, _, error) = Run("trace", "--model", "builtin:tiny-gpt2", "--ids", "1,2", "--graph", graphFile, "--out", Path.Combine(Home, "o"));
        Assert.Equal(1, code);
        Assert.Contains("node 0 (read 'blocks.7.hook_resid_post' of input 0): no hook point named", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
