using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpSight.Evals.Reporting;

/// <summary>
/// One evaluation result file in SAEBench's schema (see the results contract): which eval, which dictionary and group,
/// and the eval's metrics, details and unstructured output as JSON.
/// </summary>
public sealed class ResultFile
{
    private ResultFile(string path, JsonObject root, string evalTypeId, string saeLensId, JsonObject metrics)
    {
        Path = path;
        EvalTypeId = evalTypeId;
        SaeLensId = saeLensId;
        Metrics = metrics;
        ReleaseId = JsonRead.Text(root["sae_lens_release_id"]) ?? "";
        EvalConfig = root["eval_config"] as JsonObject ?? [];
        Details = root["eval_result_details"] as JsonArray ?? [];
        Unstructured = root["eval_result_unstructured"];
        SaeConfig = root["sae_cfg_dict"] as JsonObject ?? [];
        DatetimeEpochMillis = JsonRead.Integer(root["datetime_epoch_millis"]);
    }

    /// <summary>The file the result was read from.</summary>
    public string Path { get; }

    /// <summary>The eval: "core", "board", "sparse_probing" (others are kept but not reported).</summary>
    public string EvalTypeId { get; }

    /// <summary>The dictionary's name ("linear-probe" for the board reference row).</summary>
    public string SaeLensId { get; }

    /// <summary>The group the dictionary belongs to (e.g. "trained", "random-init"); empty when the file has none.</summary>
    public string ReleaseId { get; }

    /// <summary>The eval's settings (model_name, hook_name, ...); empty when absent.</summary>
    public JsonObject EvalConfig { get; }

    /// <summary>The metrics: an object of categories, each an object of named numbers.</summary>
    public JsonObject Metrics { get; }

    /// <summary>The per-item details (features, board properties or datasets); empty when absent.</summary>
    public JsonArray Details { get; }

    /// <summary>The eval's unstructured output, or null.</summary>
    public JsonNode? Unstructured { get; }

    /// <summary>The dictionary's SAELens configuration (architecture, d_in, d_sae, ...); empty when absent.</summary>
    public JsonObject SaeConfig { get; }

    /// <summary>When the eval ran, in milliseconds since the Unix epoch, or null.</summary>
    public long? DatetimeEpochMillis { get; }

    /// <summary>
    /// The dictionary's kind from sae_cfg_dict: its "training_method" where SharpSight recorded one (BatchTopK, Matryoshka
    /// and p-anneal are saved as jumprelu or standard files), else its "architecture"; null when neither is there.
    /// </summary>
    public string? Architecture => JsonRead.Text(SaeConfig["training_method"]) ?? JsonRead.Text(SaeConfig["architecture"]);

    /// <summary>The dictionary's width (d_sae) from sae_cfg_dict, or null.</summary>
    public long? Width => JsonRead.Integer(SaeConfig["d_sae"]);

    /// <summary>The model's name, from eval_config or else sae_cfg_dict, or null.</summary>
    public string? ModelName => JsonRead.Text(EvalConfig["model_name"]) ?? JsonRead.Text(SaeConfig["model_name"]);

    /// <summary>The hook point, from eval_config or else sae_cfg_dict, or null.</summary>
    public string? HookName => JsonRead.Text(EvalConfig["hook_name"]) ?? JsonRead.Text(SaeConfig["hook_name"]);

    /// <summary>A metric's value; null when the category or metric is missing, null, or not a finite number.</summary>
    /// <param name="category">The metric category, e.g. "sparsity".</param>
    /// <param name="name">The metric, e.g. "l0".</param>
    public double? Metric(string category, string name) => JsonRead.Number((Metrics[category] as JsonObject)?[name]);

    /// <summary>Reads a result file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <exception cref="ResultFileException">The file is not JSON, not an object, or lacks eval_type_id, sae_lens_id or eval_result_metrics.</exception>
    public static ResultFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>Reads a result from JSON text.</summary>
    /// <param name="path">The file the text came from, named in errors.</param>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="ResultFileException">The text is not JSON, not an object, or lacks eval_type_id, sae_lens_id or eval_result_metrics.</exception>
    public static ResultFile Parse(string path, string json)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException error)
        {
            throw Error(path, $"malformed JSON: {error.Message}");
        }
        if (root is not JsonObject fields) throw Error(path, $"expected a JSON object at the top level, found {Shown(root)}");
        string evalTypeId = RequiredText(path, fields, "eval_type_id");
        string saeLensId = RequiredText(path, fields, "sae_lens_id");
        if (fields["eval_result_metrics"] is not JsonObject metrics)
            throw fields.ContainsKey("eval_result_metrics")
                ? Error(path, $"field 'eval_result_metrics' is {Shown(fields["eval_result_metrics"])}, expected an object")
                : Error(path, "missing required field 'eval_result_metrics'");
        return new ResultFile(path, fields, evalTypeId, saeLensId, metrics);
    }

    private static string RequiredText(string path, JsonObject fields, string name)
    {
        if (!fields.ContainsKey(name)) throw Error(path, $"missing required field '{name}'");
        return JsonRead.Text(fields[name]) is { Length: > 0 } text
            ? text
            : throw Error(path, $"field '{name}' is {Shown(fields[name])}, expected a non-empty string");
    }

    private static string Shown(JsonNode? node)
    {
        if (node is null) return "null";
        string text = node.GetValueKind() == JsonValueKind.Number
            ? node.GetValue<double>().ToString(CultureInfo.InvariantCulture)
            : node.ToJsonString();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    // One line whatever the parser's message holds.
    private static ResultFileException Error(string path, string message) =>
        new($"{path}: {message}".ReplaceLineEndings(" "));
}
