using System.Text.Json.Nodes;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// The board evaluation of one dictionary (or of the linear-probe reference row) in the shapes of the result-file
/// contract's "board" entry: <see cref="Metrics"/>, <see cref="Details"/>, <see cref="Unstructured"/> and the settings in
/// <see cref="EvalConfig"/>.
/// </summary>
/// <param name="Game">"othello" or "chess".</param>
/// <param name="TrainGames">Games the classifiers were chosen on.</param>
/// <param name="TestGames">Games reconstruction was measured on.</param>
/// <param name="Options">The settings.</param>
/// <param name="Summary">The numbers.</param>
/// <param name="Dashboards">Feature dashboards; null for the linear-probe row.</param>
public sealed record BoardResult(string Game, int TrainGames, int TestGames, BoardEvalOptions Options, BoardMetrics Summary, IReadOnlyList<FeatureDashboard>? Dashboards)
{
    /// <summary>The board-specific eval_config entries: game, train_games, test_games, thresholds, min_precision, min_firings.</summary>
    public JsonObject EvalConfig() => new()
    {
        ["game"] = Game,
        ["train_games"] = TrainGames,
        ["test_games"] = TestGames,
        ["thresholds"] = new JsonArray([.. Options.Thresholds.Select(v => Number(v))]),
        ["min_precision"] = Number(Options.MinPrecision),
        ["min_firings"] = Options.MinFirings,
    };

    /// <summary>
    /// eval_result_metrics: "board" {coverage, board_reconstruction, reconstruction_threshold, properties, alive_features,
    /// and the original code's coverage_original, coverage_original_threshold, board_reconstruction_pooled} and "coverage_by_group".
    /// </summary>
    public JsonObject Metrics()
    {
        var byGroup = new JsonObject();
        foreach ((string group, double coverage) in Summary.CoverageByGroup) byGroup[group] = Number(coverage);
        return new JsonObject
        {
            ["board"] = new JsonObject
            {
                ["coverage"] = Number(Summary.Coverage),
                ["board_reconstruction"] = Number(Summary.BoardReconstruction),
                ["reconstruction_threshold"] = Number(Summary.ReconstructionThreshold),
                ["properties"] = Summary.Properties,
                ["alive_features"] = Summary.AliveFeatures,
                ["coverage_original"] = Number(Summary.CoverageOriginal),
                ["coverage_original_threshold"] = Number(Summary.CoverageOriginalThreshold),
                ["board_reconstruction_pooled"] = Number(Summary.BoardReconstructionPooled),
            },
            ["coverage_by_group"] = byGroup,
        };
    }

    /// <summary>eval_result_details: one object per property {property, group, feature, threshold, f1, precision, recall, positives}.</summary>
    public JsonArray Details() => new([.. Summary.PerProperty.Select(p => (JsonNode)new JsonObject
    {
        ["property"] = p.Property,
        ["group"] = p.Group,
        ["feature"] = p.Feature,
        ["threshold"] = Number(p.Threshold),
        ["f1"] = Number(p.F1),
        ["precision"] = Number(p.Precision),
        ["recall"] = Number(p.Recall),
        ["positives"] = p.Positives,
    })]);

    /// <summary>eval_result_unstructured: {"feature_dashboards": [...]}, or null for the linear-probe row.</summary>
    public JsonNode? Unstructured() => Dashboards is null ? null : new JsonObject
    {
        ["feature_dashboards"] = new JsonArray([.. Dashboards.Select(Dashboard)]),
    };

    private static JsonNode Dashboard(FeatureDashboard d) => new JsonObject
    {
        ["feature"] = d.Feature,
        ["density"] = Number(d.Density),
        ["max_activation"] = Number(d.MaxActivation),
        ["best_property"] = d.BestProperty,
        ["best_group"] = d.BestGroup,
        ["best_f1"] = Number(d.BestF1),
        ["best_threshold"] = Number(d.BestThreshold),
        ["histogram"] = new JsonObject
        {
            ["edges"] = new JsonArray([.. d.HistogramEdges.Select(v => Number(v))]),
            ["counts"] = new JsonArray([.. d.HistogramCounts.Select(c => (JsonNode)c)]),
        },
        ["contexts"] = new JsonArray([.. d.Contexts.Select(Context)]),
    };

    private static JsonNode Context(DashboardContext c)
    {
        var o = new JsonObject
        {
            ["game"] = c.Game,
            ["position"] = c.Position,
            ["value"] = Number(c.Value),
            ["tokens"] = new JsonArray([.. c.Tokens.Select(t => (JsonNode)t)]),
            ["activations"] = new JsonArray([.. c.Activations.Select(v => Number(v))]),
        };
        if (c.Board is not null) o["board"] = c.Board;
        o["to_move"] = c.ToMove;
        if (c.Legal is not null) o["legal"] = new JsonArray([.. c.Legal.Select(m => (JsonNode)m)]);
        if (c.Fen is not null) o["fen"] = c.Fen;
        return o;
    }

    // Numbers as doubles; NaN and infinities as null.
    private static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;
}
