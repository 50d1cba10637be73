using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Core.IO;

namespace SharpSight.Evals.Dictionaries;

/// <summary>Which dictionary a result belongs to, in SAEBench's terms.</summary>
/// <param name="Id">sae_lens_id: the dictionary's name (its folder name), or "linear-probe" for a probe reference row.</param>
/// <param name="Release">sae_lens_release_id: the group it belongs to, e.g. "trained" or "random-init".</param>
/// <param name="Config">sae_cfg_dict: the SAELens cfg.json, plus "training_method" where it is known.</param>
public sealed record ResultSubject(string Id, string Release, JsonObject Config);

/// <summary>
/// One evaluation of one dictionary as a JSON file in SAEBench's schema (<c>BaseEvalOutput</c>): eval_type_id,
/// eval_config, eval_id, datetime_epoch_millis, eval_result_metrics, eval_result_details, sae_bench_commit_hash,
/// sae_lens_id, sae_lens_release_id, sae_lens_version, sae_cfg_dict, eval_result_unstructured. Files live at
/// <c>RESULTS/EVAL_TYPE/RELEASE/ID_eval_results.json</c>, SAEBench's naming with the release as a folder.
/// </summary>
public static class EvalResultFile
{
    /// <summary>The SAELens version our cfg.json files follow.</summary>
    public const string SaeLensVersion = "6.12.1";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The file a result goes to.</summary>
    public static string PathFor(string resultsFolder, string evalType, ResultSubject subject) =>
        Path.Combine(resultsFolder, evalType, subject.Release, subject.Id + "_eval_results.json");

    /// <summary>The whole result object.</summary>
    /// <param name="evalType">eval_type_id: "core", "board" or "sparse_probing".</param>
    /// <param name="evalConfig">eval_config: the settings of the evaluation.</param>
    /// <param name="metrics">eval_result_metrics: categories of named numbers.</param>
    /// <param name="details">eval_result_details.</param>
    /// <param name="unstructured">eval_result_unstructured.</param>
    /// <param name="subject">The dictionary evaluated.</param>
    /// <param name="time">When the evaluation finished.</param>
    public static JsonObject Compose(string evalType, JsonObject evalConfig, JsonObject metrics, JsonArray details, JsonNode? unstructured,
        ResultSubject subject, DateTimeOffset time) => new()
    {
        ["eval_type_id"] = evalType,
        ["eval_config"] = evalConfig,
        ["eval_id"] = Guid.NewGuid().ToString(),
        ["datetime_epoch_millis"] = time.ToUnixTimeMilliseconds(),
        ["eval_result_metrics"] = metrics,
        ["eval_result_details"] = details,
        ["sae_bench_commit_hash"] = null,
        ["sae_lens_id"] = subject.Id,
        ["sae_lens_release_id"] = subject.Release,
        ["sae_lens_version"] = SaeLensVersion,
        ["sae_cfg_dict"] = subject.Config.DeepClone(),
        ["eval_result_unstructured"] = unstructured,
    };

    /// <summary>Writes a result (atomically; folders created) and returns its path.</summary>
    public static string Write(string resultsFolder, JsonObject result)
    {
        string evalType = result["eval_type_id"]!.GetValue<string>();
        var subject = new ResultSubject(result["sae_lens_id"]!.GetValue<string>(), result["sae_lens_release_id"]!.GetValue<string>(), []);
        string path = PathFor(resultsFolder, evalType, subject);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, result.ToJsonString(Indented));
        return path;
    }

    /// <summary>sae_cfg_dict for a SAELens folder: its cfg.json, with "training_method" added when given.</summary>
    /// <exception cref="ArgumentException">cfg.json is missing or is not a JSON object.</exception>
    public static JsonObject ConfigOf(string saeFolder, string? trainingMethod = null)
    {
        string path = Path.Combine(saeFolder, "cfg.json");
        if (!File.Exists(path)) throw new ArgumentException($"{path}: not found");
        JsonObject config;
        try
        {
            config = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ArgumentException($"{path}: not a JSON object");
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"{path}: not valid JSON ({error.Message})");
        }
        if (trainingMethod is not null) config["training_method"] = trainingMethod;
        return config;
    }
}
