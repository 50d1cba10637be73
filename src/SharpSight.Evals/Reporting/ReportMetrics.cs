namespace SharpSight.Evals.Reporting;

/// <summary>A named number of a dictionary's results (null when the eval or the metric is missing).</summary>
internal sealed record MetricColumn(string Header, Func<DictionaryResults, double?> Value);

/// <summary>Where the report finds each metric in the contract's result files.</summary>
internal static class ReportMetrics
{
    public static readonly MetricColumn L0 = new("L0", d => d.Core?.Metric("sparsity", "l0"));
    public static readonly MetricColumn ExplainedVariance = new("FVE", d => d.Core?.Metric("reconstruction_quality", "explained_variance"));
    public static readonly MetricColumn LossRecovered = new("loss recovered", d => d.Core?.Metric("model_performance_preservation", "ce_loss_score"));
    public static readonly MetricColumn KlScore = new("KL score", d => d.Core?.Metric("model_behavior_preservation", "kl_div_score"));
    public static readonly MetricColumn FracAlive = new("frac alive", d => d.Core?.Metric("misc_metrics", "frac_alive"));
    public static readonly MetricColumn Coverage = new("coverage", d => d.Board?.Metric("board", "coverage"));
    public static readonly MetricColumn BoardReconstruction = new("board reconstruction", d => d.Board?.Metric("board", "board_reconstruction"));
    public static readonly MetricColumn CoverageOriginal = new("coverage (original code)", d => d.Board?.Metric("board", "coverage_original"));
    public static readonly MetricColumn BoardReconstructionPooled = new("board rec. (pooled)", d => d.Board?.Metric("board", "board_reconstruction_pooled"));
    public static readonly MetricColumn SaeTop1 = new("SAE top-1", d => d.SparseProbing?.Metric("sae", "sae_top_1_test_accuracy"));
    public static readonly MetricColumn SaeTop2 = new("SAE top-2", d => d.SparseProbing?.Metric("sae", "sae_top_2_test_accuracy"));
    public static readonly MetricColumn SaeTop5 = new("SAE top-5", d => d.SparseProbing?.Metric("sae", "sae_top_5_test_accuracy"));
    public static readonly MetricColumn LlmTop1 = new("LLM top-1", d => d.SparseProbing?.Metric("llm", "llm_top_1_test_accuracy"));
    public static readonly MetricColumn LlmTop2 = new("LLM top-2", d => d.SparseProbing?.Metric("llm", "llm_top_2_test_accuracy"));
    public static readonly MetricColumn LlmTop5 = new("LLM top-5", d => d.SparseProbing?.Metric("llm", "llm_top_5_test_accuracy"));
    public static readonly MetricColumn LlmFull = new("LLM probe", d => d.SparseProbing?.Metric("llm", "llm_test_accuracy"));

    /// <summary>The summary table's numeric columns, in order.</summary>
    public static readonly IReadOnlyList<MetricColumn> Summary =
        [L0, ExplainedVariance, LossRecovered, KlScore, FracAlive, Coverage, BoardReconstruction, SaeTop1, SaeTop5, LlmTop1, LlmTop5, LlmFull];

    // A fixed order keeps an architecture's marker the same from one report to the next.
    private static readonly string[] KnownArchitectures = ["topk", "batchtopk", "matryoshka", "matryoshka_batchtopk", "jumprelu", "april", "standard", "gated", "p-anneal"];

    /// <summary>Every architecture of the dictionaries (not the probe rows): the known ones in a fixed order, then others by name.</summary>
    public static IReadOnlyList<string> Architectures(ResultSet results)
    {
        var present = results.Dictionaries.Where(d => !d.IsLinearProbe).Select(ArchitectureOf).ToHashSet();
        return [.. KnownArchitectures.Where(present.Contains), .. present.Except(KnownArchitectures).Order(StringComparer.Ordinal)];
    }

    /// <summary>A dictionary's architecture, or "unknown".</summary>
    public static string ArchitectureOf(DictionaryResults dictionary) => dictionary.Architecture ?? "unknown";
}
