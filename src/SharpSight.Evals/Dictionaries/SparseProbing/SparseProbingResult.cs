using System.Text.Json.Nodes;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>Test accuracies of the probes on one feature set (model activations or dictionary latents).</summary>
/// <param name="All">Probe on every dimension (NaN when not fitted).</param>
/// <param name="TopK">Probe on the top-k dimensions by mean difference, by k.</param>
public sealed record ProbeAccuracies(double All, IReadOnlyDictionary<int, double> TopK)
{
    /// <summary>The mean of several results, entry by entry (the same Ks in each).</summary>
    public static ProbeAccuracies Average(IReadOnlyList<ProbeAccuracies> items)
    {
        if (items.Count == 0) throw new ArgumentException("nothing to average");
        return new ProbeAccuracies(items.Average(a => a.All),
            items[0].TopK.Keys.ToDictionary(k => k, k => items.Average(a => a.TopK[k])));
    }
}

/// <summary>One class's one-versus-rest probes.</summary>
/// <param name="ClassName">The class (the positives).</param>
/// <param name="Accuracies">Test accuracies.</param>
/// <param name="TopDimensions">The dimensions ranked highest by mean difference, best first (as many as the largest k).</param>
public sealed record ClassProbing(string ClassName, ProbeAccuracies Accuracies, IReadOnlyList<int> TopDimensions);

/// <summary>
/// The probes on model activations ("llm" metrics) for every dataset. They do not depend on the dictionary: compute them
/// once with <see cref="SparseProbingEvaluation.ModelBaseline"/> and pass them to every <see cref="SparseProbingEvaluation.Evaluate"/>.
/// </summary>
/// <param name="DatasetNames">The datasets, in order.</param>
/// <param name="Classes">Per dataset, per evaluated class.</param>
/// <param name="Options">The settings they were computed with.</param>
public sealed record SparseProbingBaseline(IReadOnlyList<string> DatasetNames, IReadOnlyList<IReadOnlyList<ClassProbing>> Classes, SparseProbingOptions Options);

/// <summary>One dataset's probes on model activations and on dictionary latents.</summary>
/// <param name="DatasetName">Dataset name.</param>
/// <param name="Llm">Per evaluated class, probes on model activations.</param>
/// <param name="Sae">Per evaluated class, probes on dictionary latents.</param>
public sealed record DatasetProbing(string DatasetName, IReadOnlyList<ClassProbing> Llm, IReadOnlyList<ClassProbing> Sae)
{
    /// <summary>Model-activation accuracies averaged over classes.</summary>
    public ProbeAccuracies LlmMean => ProbeAccuracies.Average([.. Llm.Select(c => c.Accuracies)]);

    /// <summary>Latent accuracies averaged over classes.</summary>
    public ProbeAccuracies SaeMean => ProbeAccuracies.Average([.. Sae.Select(c => c.Accuracies)]);
}

/// <summary>
/// Sparse-probing results of one dictionary (SAEBench's SparseProbingEvalOutput): accuracies averaged over classes, then
/// over datasets, and per dataset.
/// </summary>
public sealed class SparseProbingResult
{
    /// <summary>Creates a result.</summary>
    public SparseProbingResult(IReadOnlyList<DatasetProbing> datasets, IReadOnlyList<int> ks, SparseProbingOptions options)
    {
        if (datasets.Count == 0) throw new ArgumentException("a sparse-probing result needs at least one dataset");
        Datasets = datasets;
        Ks = ks;
        Options = options;
        Llm = ProbeAccuracies.Average([.. datasets.Select(d => d.LlmMean)]);
        Sae = ProbeAccuracies.Average([.. datasets.Select(d => d.SaeMean)]);
    }

    /// <summary>Per dataset.</summary>
    public IReadOnlyList<DatasetProbing> Datasets { get; }

    /// <summary>The top-k sizes.</summary>
    public IReadOnlyList<int> Ks { get; }

    /// <summary>The settings.</summary>
    public SparseProbingOptions Options { get; }

    /// <summary>Model-activation accuracies averaged over classes, then datasets.</summary>
    public ProbeAccuracies Llm { get; }

    /// <summary>Latent accuracies averaged over classes, then datasets.</summary>
    public ProbeAccuracies Sae { get; }

    /// <summary>eval_result_metrics: {"llm": {llm_test_accuracy, llm_top_k_test_accuracy…}, "sae": {…}}.</summary>
    public JsonObject Metrics() => new()
    {
        ["llm"] = Named("llm", Llm),
        ["sae"] = Named("sae", Sae),
    };

    /// <summary>eval_result_details: one object per dataset, {"dataset_name", "llm_…", "sae_…"}.</summary>
    public JsonArray Details() => new([.. Datasets.Select(d =>
    {
        var row = new JsonObject { ["dataset_name"] = d.DatasetName };
        foreach (var (key, value) in Named("llm", d.LlmMean).Concat(Named("sae", d.SaeMean)).ToList()) row[key] = value?.DeepClone();
        return (JsonNode)row;
    })]);

    /// <summary>eval_result_unstructured: null (per-class numbers stay in <see cref="Datasets"/>).</summary>
    public JsonNode? Unstructured() => null;

    /// <summary>The settings for eval_config: dataset_names, k_values, random_seed, probe_c, probe_all_latents, fold_decoder_norms.</summary>
    public JsonObject ConfigSettings() => new()
    {
        ["dataset_names"] = new JsonArray([.. Datasets.Select(d => (JsonNode)JsonValue.Create(d.DatasetName))]),
        ["k_values"] = new JsonArray([.. Ks.Select(k => (JsonNode)JsonValue.Create(k))]),
        ["random_seed"] = Options.Seed,
        ["probe_c"] = Options.C,
        ["probe_all_latents"] = Options.ProbeAllLatents,
        ["fold_decoder_norms"] = Options.FoldDecoderNorms,
    };

    private JsonObject Named(string prefix, ProbeAccuracies accuracies)
    {
        var metrics = new JsonObject { [$"{prefix}_test_accuracy"] = Number(accuracies.All) };
        foreach (int k in Ks) metrics[$"{prefix}_top_{k}_test_accuracy"] = Number(accuracies.TopK[k]);
        return metrics;
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
