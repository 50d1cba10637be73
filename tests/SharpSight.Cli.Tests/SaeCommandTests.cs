using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Formats;

namespace SharpSight.Cli.Tests;

public sealed class SaeCommandTests : CliHarness
{
    [Fact]
    public void Sae_train_on_the_laboratory_model_writes_a_SAELens_folder_and_a_rerun_resumes_finished()
    {
        string folder = Path.Combine(Home, "sae");
        string[] command = ["sae", "train", "--hook", "blocks.1.hook_resid_post", "--arch", "topk", "--width", "128", "--k", "8",
            "--tokens", "12k", "--batch-size", "1024", "--out", folder];
        var (code, output, error) = Run(command);
        Assert.True(code == 0, error);
        Assert.Contains("12 steps of 1,024 activations", output);
        Assert.Contains("topk-128: L0 8.0", output);
        using (SparseDictionary sae = SaeLensFolder.Read(Path.Combine(folder, "topk-128")))
        {
            Assert.Equal(DictionaryArchitecture.TopK, sae.Config.Architecture);
            Assert.Equal(256, sae.InputSize);
            Assert.Equal("blocks.1.hook_resid_post", sae.Config.Metadata.HookName);
        }
        Assert.Equal(12, File.ReadAllLines(Path.Combine(folder, "topk-128", "metrics.jsonl")).Length);
        Assert.Contains("held-out scores of the saved files on blocks.1.hook_resid_post, activations from othello-random", output);
        Assert.Contains("seed 1000000", output);
        Assert.Matches(@"  topk-128: L0 8\.0, FVE 0\.\d{3}, MSE [\d.]+, relative error 0\.\d{3} over 3,072 activations", output);

        // eval reads the hook from cfg.json and scores every dictionary of a run folder.
        (code, output, error) = Run(["sae", "eval", "--sae", folder, "--tokens", "2k"]);
        Assert.True(code == 0, error);
        Assert.Matches(@"  topk-128: L0 8\.0, FVE 0\.\d{3}, .* over 4,096 activations", output);
        (code, _, error) = Run(["sae", "eval", "--sae", folder, "--hook", "blocks.1.mlp.hook_post", "--tokens", "2k"]);
        Assert.Equal(1, code);
        Assert.Contains("cfg.json: d_in 256 does not match blocks.1.mlp.hook_post, of size 1024", error);

        // --evals files SAEBench-schema results for each dictionary (and the board's linear-probe row); report draws them.
        string results = Path.Combine(Home, "results");
        string[] evaluate = ["sae", "eval", "--sae", folder, "--evals", "core,board,probing", "--games", "40", "--out", results];
        (code, output, error) = Run(evaluate);
        Assert.True(code == 0, error);
        Assert.Matches(@"sae\s+topk-128\s+8\.0\s+0\.\d{3}", output);
        Assert.Matches(@"sae\s+linear-probe\s+—\s+—\s+—\s+0\.\d{3}\s+0\.\d{3}", output);
        foreach (string evalType in new[] { "core", "board", "sparse_probing" })
        {
            var result = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(results, evalType, "sae", "topk-128_eval_results.json")))!;
            Assert.Equal(evalType, (string?)result["eval_type_id"]);
            Assert.Equal("topk", (string?)result["sae_cfg_dict"]!["training_method"]);
            Assert.Equal("blocks.1.hook_resid_post", (string?)result["eval_config"]!["hook_name"]);
        }
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(results, "core", "sae", "topk-128_eval_results.json"));
        (code, _, error) = Run(evaluate);   // finished results are not computed again
        Assert.True(code == 0, error);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(results, "core", "sae", "topk-128_eval_results.json")));
        (code, output, error) = Run(["report", "--results", results, "--out", Path.Combine(Home, "report.html")]);
        Assert.True(code == 0, error);
        Assert.Contains("topk-128", File.ReadAllText(Path.Combine(Home, "report.html")));
        string damaged = Path.Combine(results, "core", "sae", "topk-128_eval_results.json");
        File.WriteAllText(damaged, "{ \"eval_type_id\": ");
        (code, _, error) = Run(["report", "--results", results, "--out", Path.Combine(Home, "report.html")]);
        Assert.Equal(1, code);
        Assert.Contains($"{damaged}: malformed JSON", error);
        Assert.Single(error.Trim().Split('\n'));
        (code, _, error) = Run(["sae", "eval", "--sae", folder, "--evals", "core,sparsity", "--out", results]);
        Assert.Equal(1, code);
        Assert.Contains("unknown evaluation 'sparsity'", error);

        File.WriteAllText(Path.Combine(folder, "topk-128", "cfg.json"), "{ \"d_in\": 256, \"d_sae\": ");
        (code, _, error) = Run(["sae", "eval", "--sae", Path.Combine(folder, "topk-128")]);
        Assert.Equal(1, code);
        Assert.Contains("topk-128/cfg.json", error);
        Assert.Single(error.Trim().Split('\n'));

        (code, output, error) = Run(command);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("step 1/12", output);

        // Other settings in the same folder are another run: refused rather than mixed.
        (code, _, error) = Run([.. command.Select(a => a == "8" ? "4" : a)]);
        Assert.Equal(1, code);
        Assert.Contains("holds a different run", error);
    }

    [Fact]
    public void A_model_folder_with_a_corrupt_preset_gives_one_line()
    {
        string folder = Path.Combine(Home, "broken-model");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "preset.json"), "{ \"Game\": ");
        var (code, _, error) = Run(["sae", "train", "--model", folder, "--hook", "blocks.1.hook_resid_post", "--out", Path.Combine(Home, "x")]);
        Assert.Equal(1, code);
        Assert.Contains($"{Path.Combine(folder, "preset.json")}: not valid JSON", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(new[] { "sae", "train", "--hook", "blocks.1.hook_resid_post", "--arch", "sparsemax", "--out", "/tmp/x" }, "unknown architecture 'sparsemax'")]
    [InlineData(new[] { "sae", "train", "--hook", "blocks.9.hook_resid_post", "--out", "/tmp/x" }, "no hook point named 'blocks.9.hook_resid_post'")]
    [InlineData(new[] { "sae", "train", "--hook", "blocks.1.hook_resid_post", "--tokens", "lots", "--out", "/tmp/x" }, "--tokens is 'lots'")]
    [InlineData(new[] { "sae", "sweep", "--config", "/no/such/sweep.json", "--out", "/tmp/x" }, "/no/such/sweep.json: not found")]
    [InlineData(new[] { "report", "--results", "/no/such/results" }, "/no/such/results: results folder not found")]
    [InlineData(new[] { "sae", "eval", "--sae", "/no/such/run", "--evals", "core" }, "--evals writes result files: give --out DIR")]
    public void Bad_input_gives_one_line(string[] args, string expected)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
