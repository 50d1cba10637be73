using System.Text.Json.Nodes;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// SAEBench "core" results of one dictionary: the finished statistics of a <see cref="CoreEvaluation"/> pass (read them,
/// do not add to them) and its weight geometry, written in the contract's "core" JSON shapes. Numbers are doubles;
/// NaN and ±∞ (e.g. a score whose denominator is 0, the heuristic of a dead feature) are written as null.
/// </summary>
/// <param name="Reconstruction">Reconstruction quality, shrinkage and sparsity.</param>
/// <param name="Downstream">KL and cross-entropy with the reconstruction spliced in.</param>
/// <param name="Density">Per-feature firing counts.</param>
/// <param name="Geometry">Weight-based per-feature metrics.</param>
public sealed record CoreMetrics(
    ReconstructionStatistics Reconstruction,
    DownstreamLossStatistics Downstream,
    FeatureDensityStatistics Density,
    FeatureGeometry Geometry)
{
    /// <summary>Bins of the density histogram in <see cref="Unstructured"/>.</summary>
    public const int HistogramBins = 40;

    /// <summary>Tokens evaluated (every token feeds both the downstream and the reconstruction metrics).</summary>
    public long Tokens => Density.Tokens;

    /// <summary>eval_result_metrics: SAEBench's CoreMetricCategories, one object of named numbers per category.</summary>
    public JsonObject Metrics() => new()
    {
        ["model_behavior_preservation"] = Category(
            ("kl_div_score", Downstream.KlScore),
            ("kl_div_with_ablation", Downstream.KlWithAblation),
            ("kl_div_with_sae", Downstream.KlWithDictionary)),
        ["model_performance_preservation"] = Category(
            ("ce_loss_score", Downstream.CrossEntropyScore),
            ("ce_loss_with_ablation", Downstream.CrossEntropyWithAblation),
            ("ce_loss_with_sae", Downstream.CrossEntropyWithDictionary),
            ("ce_loss_without_sae", Downstream.CrossEntropyClean)),
        ["reconstruction_quality"] = Category(
            ("explained_variance", Reconstruction.ExplainedVariance),
            ("explained_variance_legacy", Reconstruction.ExplainedVarianceLegacy),
            ("mse", Reconstruction.MeanSquaredError),
            ("cossim", Reconstruction.CosineSimilarity)),
        ["shrinkage"] = Category(
            ("l2_norm_in", Reconstruction.L2NormIn),
            ("l2_norm_out", Reconstruction.L2NormOut),
            ("l2_ratio", Reconstruction.L2Ratio),
            ("relative_reconstruction_bias", Reconstruction.RelativeReconstructionBias)),
        ["sparsity"] = Category(
            ("l0", Reconstruction.L0),
            ("l1", Reconstruction.L1)),
        ["token_stats"] = Category(
            ("total_tokens_eval_reconstruction", Tokens),
            ("total_tokens_eval_sparsity_variance", Reconstruction.Rows)),
        ["misc_metrics"] = Category(
            ("freq_over_1_percent", Density.FreqOver1Percent),
            ("freq_over_10_percent", Density.FreqOver10Percent),
            ("normalized_freq_over_1_percent", Density.NormalizedFreqOver1Percent),
            ("normalized_freq_over_10_percent", Density.NormalizedFreqOver10Percent),
            ("average_max_encoder_cosine_sim", Geometry.AverageMaxEncoderCosineSimilarity),
            ("average_max_decoder_cosine_sim", Geometry.AverageMaxDecoderCosineSimilarity),
            ("frac_alive", Density.FracAlive)),
    };

    /// <summary>eval_result_details: one object per feature (SAEBench's CoreFeatureMetric).</summary>
    public JsonArray Details()
    {
        double[] densities = Density.Densities(), heuristic = Density.ConsistentActivationHeuristic();
        var details = new JsonArray();
        for (int i = 0; i < Density.Width; i++)
        {
            details.Add(new JsonObject
            {
                ["index"] = i,
                ["feature_density"] = Number(densities[i]),
                ["consistent_activation_heuristic"] = Number(heuristic[i]),
                ["encoder_bias"] = Number(Geometry.EncoderBias[i]),
                ["encoder_norm"] = Number(Geometry.EncoderNorm[i]),
                ["encoder_decoder_cosine_sim"] = Number(Geometry.EncoderDecoderCosineSimilarity[i]),
                ["max_decoder_cosine_sim"] = Number(Geometry.MaxDecoderCosineSimilarity[i]),
                ["max_encoder_cosine_sim"] = Number(Geometry.MaxEncoderCosineSimilarity[i]),
            });
        }
        return details;
    }

    /// <summary>
    /// eval_result_unstructured: the log10-density histogram of the alive features in <see cref="HistogramBins"/> bins
    /// (see <see cref="FeatureDensityStatistics.Histogram"/>) and the dead count.
    /// </summary>
    public JsonNode? Unstructured()
    {
        DensityHistogram histogram = Density.Histogram(HistogramBins);
        return new JsonObject
        {
            ["density_histogram"] = new JsonObject
            {
                ["log10_edges"] = new JsonArray([.. histogram.Log10Edges.Select(Number)]),
                ["counts"] = new JsonArray([.. histogram.Counts.Select(c => (JsonNode?)JsonValue.Create(c))]),
                ["dead"] = histogram.Dead,
            },
        };
    }

    private static JsonObject Category(params (string Name, double Value)[] metrics)
    {
        var category = new JsonObject();
        foreach ((string name, double value) in metrics) category[name] = Number(value);
        return category;
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
