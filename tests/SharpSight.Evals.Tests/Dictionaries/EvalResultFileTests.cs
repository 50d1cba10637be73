using System.Text.Json.Nodes;
using SharpSight.Evals.Dictionaries;

namespace SharpSight.Evals.Tests.Dictionaries;

public sealed class EvalResultFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sharpsight-results-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly ResultSubject Subject = new("topk-k32", "trained", new JsonObject { ["architecture"] = "jumprelu", ["d_sae"] = 64, ["training_method"] = "batchtopk" });

    [Fact]
    public void A_result_has_SAEBench_fields_and_lands_at_type_release_id()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_123);
        JsonObject result = EvalResultFile.Compose("core", new JsonObject { ["hook_name"] = "blocks.3.hook_resid_post" },
            new JsonObject { ["sparsity"] = new JsonObject { ["l0"] = 31.5 } }, [new JsonObject { ["index"] = 0 }], null, Subject, time);
        string path = EvalResultFile.Write(_folder, result);

        Assert.Equal(Path.Combine(_folder, "core", "trained", "topk-k32_eval_results.json"), path);
        JsonObject read = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(["eval_type_id", "eval_config", "eval_id", "datetime_epoch_millis", "eval_result_metrics", "eval_result_details", "sae_bench_commit_hash",
            "sae_lens_id", "sae_lens_release_id", "sae_lens_version", "sae_cfg_dict", "eval_result_unstructured"], read.Select(p => p.Key));
        Assert.Equal(1_764_000_000_123, (long)read["datetime_epoch_millis"]!);
        Assert.True(Guid.TryParse((string?)read["eval_id"], out _));
        Assert.Equal("batchtopk", (string?)read["sae_cfg_dict"]!["training_method"]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp*"));
    }

    [Fact]
    public void Scores_are_read_back_from_the_files_and_missing_evaluations_are_null()
    {
        EvalResultFile.Write(_folder, EvalResultFile.Compose("core", [], new JsonObject
        {
            ["sparsity"] = new JsonObject { ["l0"] = 31.5 },
            ["reconstruction_quality"] = new JsonObject { ["explained_variance"] = 0.875 },
            ["model_performance_preservation"] = new JsonObject { ["ce_loss_score"] = null },
        }, [], null, Subject, DateTimeOffset.UnixEpoch));
        EvalResultFile.Write(_folder, EvalResultFile.Compose("board", [], new JsonObject
        {
            ["board"] = new JsonObject { ["coverage"] = 0.5, ["board_reconstruction"] = 0.25, ["coverage_original"] = 0.375 },
        }, [], null, Subject, DateTimeOffset.UnixEpoch));

        DictionaryScores scores = DictionaryScores.Read(_folder, Subject);
        Assert.Equal(new DictionaryScores("trained", "topk-k32", 31.5, 0.875, null, 0.5, 0.25, 0.375, null, null, null), scores);

        var table = new StringWriter();
        DictionaryScores.WriteTable(table, [scores]);
        Assert.Matches(@"trained\s+topk-k32\s+31\.5\s+0\.875\s+—\s+0\.500\s+0\.250\s+0\.375\s+—\s+—\s+—", table.ToString());
    }

    [Fact]
    public void A_damaged_result_file_is_one_line_naming_it()
    {
        string path = EvalResultFile.PathFor(_folder, "core", Subject);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{ \"eval_result_metrics\": ");
        var error = Assert.Throws<SharpSight.Evals.Reporting.ResultFileException>(() => DictionaryScores.Read(_folder, Subject));
        Assert.StartsWith(path + ": malformed JSON", error.Message);
    }

    [Theory]
    [InlineData("core", DictionaryEvaluations.Core)]
    [InlineData("board, probing", DictionaryEvaluations.Board | DictionaryEvaluations.Probing)]
    [InlineData("all", DictionaryEvaluations.All)]
    [InlineData("sparse_probing,core", DictionaryEvaluations.Probing | DictionaryEvaluations.Core)]
    public void Evaluation_lists_parse(string text, DictionaryEvaluations expected) => Assert.Equal(expected, DictionaryEvaluationNames.Parse(text));

    [Theory]
    [InlineData("core,autointerp", "unknown evaluation 'autointerp'")]
    [InlineData(" , ", "no evaluation named")]
    public void Bad_evaluation_lists_are_refused(string text, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => DictionaryEvaluationNames.Parse(text)).Message);
}
