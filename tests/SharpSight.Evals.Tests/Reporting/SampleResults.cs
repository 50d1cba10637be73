namespace SharpSight.Evals.Tests.Reporting;

/// <summary>
/// A small results folder of hand-written files in the contract's shapes: group "trained" with topk-k32 (core, board with
/// two Othello contexts, sparse probing), standard-l1 (core only) and the linear-probe board row; group "random-init" with
/// topk-k32 (core, sparse probing, and a chess board result with one chess context).
/// </summary>
public sealed class SampleResults : IDisposable
{
    // Othello boards, index = square (a1 = 0): built rank 1 first.
    public const string BoardA = "........" + "........" + "........" + "...WB..." + "...BBB.." + "........" + "........" + "........";
    public const string BoardB = "B......." + "........" + "..WWW..." + "...WB..." + "..BBBW.." + "....W..." + "........" + ".......W";
    public const string ChessFen = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1";

    public SampleResults()
    {
        Folder = Path.Combine(Path.GetTempPath(), "sharpsight-report-" + Guid.NewGuid().ToString("N"));
        Write("core/trained/topk-k32_eval_results.json", Result("core", "trained", "topk-k32", "topk", 2048, """
            {"model_behavior_preservation": {"kl_div_score": 0.97, "kl_div_with_ablation": 5.0, "kl_div_with_sae": 0.15},
             "model_performance_preservation": {"ce_loss_score": 0.95, "ce_loss_with_ablation": 6.0, "ce_loss_with_sae": 2.1, "ce_loss_without_sae": 2.0},
             "reconstruction_quality": {"explained_variance": 0.9, "explained_variance_legacy": 0.89, "mse": 0.01, "cossim": 0.95},
             "sparsity": {"l0": 32.0, "l1": 40.0},
             "misc_metrics": {"frac_alive": 0.8126}}
            """, "[]", """{"density_histogram": {"log10_edges": [-3, -2, -1, 0], "counts": [2, 0, 5], "dead": 7}}"""));
        Write("core/trained/standard-l1_eval_results.json", Result("core", "trained", "standard-l1", "standard", 4096, """
            {"model_behavior_preservation": {"kl_div_score": 0.91},
             "model_performance_preservation": {"ce_loss_score": 0.9},
             "reconstruction_quality": {"explained_variance": 0.8},
             "sparsity": {"l0": 100.0, "l1": 120.0},
             "misc_metrics": {"frac_alive": null}}
            """, "[]", "null"));
        Write("core/random-init/topk-k32_eval_results.json", Result("core", "random-init", "topk-k32", "topk", 2048, """
            {"model_behavior_preservation": {"kl_div_score": 0.5},
             "model_performance_preservation": {"ce_loss_score": 0.4},
             "reconstruction_quality": {"explained_variance": 0.6},
             "sparsity": {"l0": 10.0, "l1": 12.0},
             "misc_metrics": {"frac_alive": 0.5}}
            """, "[]", "null"));
        Write("board/trained/topk-k32_eval_results.json", Result("board", "trained", "topk-k32", "topk", 2048, """
            {"board": {"coverage": 0.4, "board_reconstruction": 0.7, "reconstruction_threshold": 0.5, "properties": 192, "alive_features": 1500},
             "coverage_by_group": {"mine": 0.5, "theirs": 0.45, "empty": 0.3, "legal": 0.25}}
            """, """
            [{"property": "mine <x> d3", "group": "mine", "feature": 12, "threshold": 0.3, "f1": 0.81, "precision": 0.9, "recall": 0.74, "positives": 120}]
            """, $$"""
            {"feature_dashboards": [{
               "feature": 12, "density": 0.031, "max_activation": 5.0,
               "best_property": "mine <x> d3", "best_group": "mine", "best_f1": 0.81, "best_threshold": 0.2,
               "histogram": {"edges": [0, 1, 2, 3, 4, 5], "counts": [10, 4, 0, 2, 1]},
               "contexts": [
                 {"game": 3, "position": 2, "value": 5.0, "tokens": ["f5", "d6", "c3"], "activations": [0, 2.5, 5.0],
                  "board": "{{BoardA}}", "to_move": "white", "legal": ["d6", "f4", "f6"]},
                 {"game": 8, "position": 1, "value": 4.0, "tokens": ["e6", "f4"], "activations": [1.0, 4.0],
                  "board": "{{BoardB}}", "to_move": "black", "legal": ["c4", "f3"]}
               ]}]}
            """, game: "othello"));
        Write("board/trained/linear-probe_eval_results.json", Result("board", "trained", "linear-probe", "linear_probe", null, """
            {"board": {"coverage": 0.9, "board_reconstruction": 0.95, "reconstruction_threshold": 0.5, "properties": 192, "alive_features": null, "coverage_original": 0.6, "board_reconstruction_pooled": 0.96},
             "coverage_by_group": {"mine": 0.92, "theirs": 0.91, "empty": 0.99, "legal": 0.7}}
            """, "[]", "null", game: "othello"));
        Write("board/random-init/topk-k32_eval_results.json", Result("board", "random-init", "topk-k32", "topk", 2048, """
            {"board": {"coverage": 0.1, "board_reconstruction": 0.2},
             "coverage_by_group": {"white_pawn": 0.3}}
            """, "[]", $$"""
            {"feature_dashboards": [{
               "feature": 7, "density": 0.2, "max_activation": 2.0, "best_property": "white_pawn e4", "best_f1": 0.5,
               "histogram": {"edges": [0, 1, 2], "counts": [3, 1]},
               "contexts": [{"game": 0, "position": 4, "value": 2.0, "tokens": [";", "1", ".", "e", "4"],
                             "activations": [0, 0, 0, 1.0, 2.0], "fen": "{{ChessFen}}"}]}]}
            """, game: "chess"));
        Write("sparse_probing/trained/topk-k32_eval_results.json", Result("sparse_probing", "trained", "topk-k32", "topk", 2048, """
            {"llm": {"llm_test_accuracy": 0.99, "llm_top_1_test_accuracy": 0.6, "llm_top_2_test_accuracy": 0.65, "llm_top_5_test_accuracy": 0.75},
             "sae": {"sae_test_accuracy": 0.97, "sae_top_1_test_accuracy": 0.7, "sae_top_2_test_accuracy": 0.78, "sae_top_5_test_accuracy": 0.85}}
            """, """
            [{"dataset_name": "othello_mine_d3", "llm_test_accuracy": 0.98, "llm_top_1_test_accuracy": 0.61, "sae_test_accuracy": 0.96, "sae_top_1_test_accuracy": 0.72},
             {"dataset_name": "othello_empty_e6", "llm_test_accuracy": 1.0, "llm_top_1_test_accuracy": 0.59, "sae_test_accuracy": 0.98, "sae_top_1_test_accuracy": 0.68}]
            """, "null"));
        Write("sparse_probing/random-init/topk-k32_eval_results.json", Result("sparse_probing", "random-init", "topk-k32", "topk", 2048, """
            {"llm": {"llm_test_accuracy": 0.7, "llm_top_1_test_accuracy": 0.55, "llm_top_2_test_accuracy": null, "llm_top_5_test_accuracy": 0.6},
             "sae": {"sae_test_accuracy": 0.6, "sae_top_1_test_accuracy": 0.52, "sae_top_2_test_accuracy": 0.53, "sae_top_5_test_accuracy": 0.55}}
            """, "[]", "null"));
    }

    public string Folder { get; }

    public void Write(string relativePath, string json)
    {
        string path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    public static string Result(string evalType, string release, string id, string architecture, int? width, string metrics, string details,
        string unstructured, string? game = null) => $$"""
        {"eval_type_id": "{{evalType}}",
         "eval_config": {"model_name": "othello-lab", "hook_name": "blocks.1.hook_resid_post"{{(game is null ? "" : $", \"game\": \"{game}\"")}}},
         "eval_id": "00000000-0000-0000-0000-000000000000", "datetime_epoch_millis": 1764000000000,
         "eval_result_metrics": {{metrics}},
         "eval_result_details": {{details}},
         "sae_bench_commit_hash": null, "sae_lens_id": "{{id}}", "sae_lens_release_id": "{{release}}", "sae_lens_version": "6.12.1",
         "sae_cfg_dict": {"architecture": "{{architecture}}", "d_in": 256, "d_sae": {{(width is null ? "null" : width.ToString())}}, "hook_name": "blocks.1.hook_resid_post"},
         "eval_result_unstructured": {{unstructured}}}
        """;

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
