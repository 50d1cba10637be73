using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Attachment;
using SharpSight.Evals.Dictionaries.Core;
using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static SharpSight.Evals.Tests.Dictionaries.Core.PlainReference;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.Core;

public sealed class CoreEvaluationTests : IDisposable
{
    private const string Hook = "blocks.0.hook_resid_post";
    private const int DModel = 8, Vocab = 16, Positions = 6;
    private readonly TransformerModel _model = TinyModel();
    private readonly List<Tensor> _batches = Batches();

    public void Dispose()
    {
        foreach (Tensor batch in _batches) batch.Dispose();
        _model.Dispose();
    }

    private static TransformerModel TinyModel()
    {
        var model = new TransformerModel(new TransformerConfig
        {
            ModelType = "gpt2", VocabSize = Vocab, DModel = DModel, Layers = 2, Heads = 2, KeyValueHeads = 2, HeadDim = DModel / 2,
            DMlp = 2 * DModel, MaxPositions = Positions, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh,
            GatedMlp = false, Positions = PositionKind.Learned, TiedEmbeddings = true, QkvBias = true, AttentionOutBias = true,
            MlpBias = true, AttentionScale = 1 / Math.Sqrt(DModel / 2), SlidingWindows = new int?[2],
        });
        // Larger weights than the default 0.02, so that the logits (and the scores' denominators) are far from uniform.
        RandomWeights.Initialize(model, seed: 11);
        using (no_grad())
            foreach (var parameter in model.parameters().Where(p => p.dim() >= 2)) parameter.mul_(40);
        return model;
    }

    private static List<Tensor> Batches()
    {
        var generator = new Generator(21);
        return [randint(0, Vocab, [3, Positions], generator: generator, dtype: ScalarType.Int64), randint(0, Vocab, [2, Positions], generator: generator, dtype: ScalarType.Int64)];
    }

    /// <summary>f = ReLU([x, −x]), x̂ = f [I; −I] = x exactly: a dictionary of width 2d that reconstructs perfectly.</summary>
    private static SparseDictionary IdentityLike()
    {
        SparseDictionary dictionary = Dictionary.Create(new DictionaryConfig { Architecture = DictionaryArchitecture.Relu, InputSize = DModel, Width = 2 * DModel });
        using var scope = NewDisposeScope();
        Tensor identity = eye(DModel);
        using (no_grad())
        {
            dictionary.EncoderWeight.copy_(cat([identity, -identity], 1));
            dictionary.DecoderWeight.copy_(cat([identity, -identity], 0));
        }
        return dictionary;
    }

    private static SparseDictionary Random(DictionaryArchitecture architecture, int width, long seed, int inputSize = DModel)
    {
        SparseDictionary dictionary = Dictionary.Create(new DictionaryConfig { Architecture = architecture, InputSize = inputSize, Width = width, K = 3 });
        using var generator = new Generator((ulong)seed);
        dictionary.Initialize(generator, 3.0);
        using (no_grad())
        {
            dictionary.EncoderBias?.copy_(randn([width], generator: generator) * 0.5);
            dictionary.DecoderBias.copy_(randn([inputSize], generator: generator) * 0.1);
        }
        return dictionary;
    }

    [Fact]
    public void A_perfect_reconstruction_preserves_the_model_exactly()
    {
        using SparseDictionary dictionary = IdentityLike();
        CoreMetrics result = CoreEvaluation.Run(_model, Hook, [dictionary], _batches).Single();
        Assert.Equal(1, result.Downstream.CrossEntropyScore, 9);
        Assert.Equal(1, result.Downstream.KlScore, 9);
        Assert.Equal(0, result.Downstream.KlWithDictionary, 9);
        Assert.Equal(result.Downstream.CrossEntropyClean, result.Downstream.CrossEntropyWithDictionary, 9);
        Assert.True(result.Downstream.KlWithAblation > 0.05, $"ablation changes the model: KL {result.Downstream.KlWithAblation}");
        Assert.Equal(1, result.Reconstruction.ExplainedVariance, 9);
        Assert.Equal(1, result.Reconstruction.CosineSimilarity, 6);
        Assert.Equal(1, result.Reconstruction.L2Ratio, 6);
        Assert.Equal(0, result.Reconstruction.MeanSquaredError, 9);
        Assert.Equal(30, result.Tokens);
    }

    [Fact]
    public void Every_value_matches_an_independent_run_with_the_dictionary_attached()
    {
        using SparseDictionary dictionary = Random(DictionaryArchitecture.TopK, 24, seed: 3);
        CoreMetrics result = CoreEvaluation.Run(_model, Hook, [dictionary], _batches).Single();

        // Reference: clean logits and activations from a cache, the dictionary's logits through AttachedDictionary without
        // the error term, the ablated logits from a hook of our own; then plain float64 loops.
        var clean = new List<double[][][]>();
        var spliced = new List<double[][][]>();
        var ablated = new List<double[][][]>();
        var ids = new List<long[][]>();
        var x = new List<double[]>();
        var xHat = new List<double[]>();
        var features = new List<double[]>();
        using (no_grad())
        {
            foreach (Tensor batch in _batches)
            {
                using var scope = NewDisposeScope();
                (Tensor logits, ActivationCache cache) = ActivationCache.Run(_model, batch, include: name => name == Hook);
                using (cache)
                {
                    clean.Add(Array3(logits));
                    Tensor activation = cache[Hook].reshape(-1, DModel);
                    using DictionaryOutput output = dictionary.Forward(activation);
                    x.AddRange(Rows(activation));
                    xHat.AddRange(Rows(output.Reconstruction));
                    features.AddRange(Rows(output.Features));
                }
                using (AttachedDictionary.Attach(_model, Hook, dictionary, useErrorTerm: false))
                    spliced.Add(Array3(_model.Forward(batch)));
                using (_model.Hooks[Hook].Add((a, _) => zeros_like(a)))
                    ablated.Add(Array3(_model.Forward(batch)));
                ids.Add([.. Enumerable.Range(0, (int)batch.shape[0]).Select(b => batch[b].data<long>().ToArray())]);
            }
        }
        double[][][] allClean = [.. clean.SelectMany(c => c)], allSpliced = [.. spliced.SelectMany(c => c)], allAblated = [.. ablated.SelectMany(c => c)];
        long[][] allIds = [.. ids.SelectMany(i => i)];
        double[][] xs = [.. x], xHats = [.. xHat], fs = [.. features];

        DownstreamLossStatistics d = result.Downstream;
        double ceClean = CrossEntropy(allClean, allIds), ceSpliced = CrossEntropy(allSpliced, allIds), ceAblated = CrossEntropy(allAblated, allIds);
        double klSpliced = Kl(allClean, allSpliced), klAblated = Kl(allClean, allAblated);
        Close(ceClean, d.CrossEntropyClean, 1e-5);
        Close(ceSpliced, d.CrossEntropyWithDictionary, 1e-5);
        Close(ceAblated, d.CrossEntropyWithAblation, 1e-5);
        Close(klSpliced, d.KlWithDictionary, 1e-4, 1e-7);
        Close(klAblated, d.KlWithAblation, 1e-4, 1e-7);
        Close((ceAblated - ceSpliced) / (ceAblated - ceClean), d.CrossEntropyScore, 1e-4);
        Close((klAblated - klSpliced) / klAblated, d.KlScore, 1e-4);
        Assert.True(klSpliced > 1e-3, $"a random TopK dictionary changes the model: KL {klSpliced}");

        ReconstructionStatistics r = result.Reconstruction;
        Assert.Equal(30, r.Rows);
        Close(L0(fs), r.L0);
        Assert.InRange(r.L0, 1, 3);   // TopK keeps k = 3 of ReLU(pre), fewer where they are not positive
        Close(L1(fs), r.L1, 1e-6);
        Close(Mse(xs, xHats), r.MeanSquaredError, 1e-6);
        Close(ExplainedVariance(xs, xHats), r.ExplainedVariance, 1e-6);
        Close(Cossim(xs, xHats), r.CosineSimilarity, 1e-6);
        Close(L2Ratio(xs, xHats), r.L2Ratio, 1e-6);
        Close(RelativeReconstructionBias(xs, xHats), r.RelativeReconstructionBias, 1e-6);
        double legacy = (LegacySum(xs[..18], xHats[..18]) + LegacySum(xs[18..], xHats[18..])) / 30;   // batches of 3×6 and 2×6 rows
        Close(legacy, r.ExplainedVarianceLegacy, 1e-5);

        long[] firings = [.. Enumerable.Range(0, 24).Select(j => (long)fs.Count(row => row[j] > 0))];
        Assert.Equal(firings, result.Density.Firings);
        Assert.Equal(30, result.Density.Tokens);
        Assert.Equal(5, result.Density.Sequences);
    }

    [Theory]
    [InlineData("tiny-gpt2")]
    [InlineData("tiny-pythia")]   // rotary on part of each head, parallel residual
    [InlineData("tiny-gemma2")]   // rotary, sliding window, logit softcaps, (1 + w) norms
    public void Starting_after_a_resid_post_hook_gives_what_a_whole_forward_pass_gives(string builtin)
    {
        // blocks.0.hook_resid_post runs only the blocks after it; blocks.1.hook_resid_pre holds the same value but is
        // replaced inside whole forward passes. Both must give the same numbers. 20 positions pass Gemma's window of 16.
        string home = Path.Combine(Path.GetTempPath(), "sharpsight-core-eval-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using TransformerModel model = ModelLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + builtin, home));
            int dModel = model.Config.DModel;
            using SparseDictionary dictionary = Random(DictionaryArchitecture.Relu, 3 * dModel, seed: 8, inputSize: dModel);
            var generator = new Generator(9);
            using Tensor ids = randint(0, model.Config.VocabSize, [2, 20], generator: generator, dtype: ScalarType.Int64);
            CoreMetrics fromTail = CoreEvaluation.Run(model, "blocks.0.hook_resid_post", [dictionary], [ids]).Single();
            CoreMetrics whole = CoreEvaluation.Run(model, "blocks.1.hook_resid_pre", [dictionary], [ids]).Single();
            JsonObject a = fromTail.Metrics(), b = whole.Metrics();
            foreach ((string category, JsonNode? values) in a)
                foreach ((string name, JsonNode? value) in values!.AsObject())
                    Close(b[category]![name]!.GetValue<double>(), value!.GetValue<double>(), 1e-5, 1e-9);
            Assert.True(whole.Downstream.KlWithDictionary > 0 && whole.Downstream.KlWithAblation > 0);
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void A_dictionary_of_the_wrong_size_is_refused_in_one_line_naming_hook_dictionary_and_sizes()
    {
        using SparseDictionary good = IdentityLike();
        using SparseDictionary wrong = Random(DictionaryArchitecture.Relu, 12, seed: 1, inputSize: DModel + 1);
        string message = Assert.Throws<ArgumentException>(() => CoreEvaluation.Run(_model, Hook, [good, wrong], _batches)).Message;
        Assert.DoesNotContain('\n', message);
        Assert.Contains("dictionary 1 (Relu, d_sae 12) reads d_in 9 but hook 'blocks.0.hook_resid_post' has d 8", message);
    }

    [Fact]
    public void Bad_hooks_lists_and_batches_are_refused()
    {
        using SparseDictionary dictionary = IdentityLike();
        Assert.Contains("no hook point named 'blocks.9.hook_resid_post'",
            Assert.Throws<ArgumentException>(() => CoreEvaluation.Run(_model, "blocks.9.hook_resid_post", [dictionary], _batches)).Message);
        Assert.Contains("must have shape [batch, pos, d]",
            Assert.Throws<ArgumentException>(() => CoreEvaluation.Run(_model, "blocks.0.attn.hook_pattern", [dictionary], _batches)).Message);
        Assert.Contains("at least one dictionary",
            Assert.Throws<ArgumentException>(() => CoreEvaluation.Run(_model, Hook, [], _batches)).Message);
        Assert.Contains("no batches", Assert.Throws<ArgumentException>(() => CoreEvaluation.Run(_model, Hook, [dictionary], [])).Message);
        using Tensor floats = zeros(2, 4);
        Assert.Contains("int64 [batch, pos]", Assert.Throws<ArgumentException>(() => CoreEvaluation.Run(_model, Hook, [dictionary], [floats])).Message);
    }

    [Fact]
    public void Dictionaries_evaluated_together_give_the_numbers_they_give_alone()
    {
        using SparseDictionary first = Random(DictionaryArchitecture.Relu, 20, seed: 4);
        using SparseDictionary second = Random(DictionaryArchitecture.Gated, 12, seed: 5);
        IReadOnlyList<CoreMetrics> together = CoreEvaluation.Run(_model, Hook, [first, second], _batches);
        CoreMetrics firstAlone = CoreEvaluation.Run(_model, Hook, [first], _batches).Single();
        CoreMetrics secondAlone = CoreEvaluation.Run(_model, Hook, [second], _batches).Single();
        Assert.Equal(Json(firstAlone), Json(together[0]));
        Assert.Equal(Json(secondAlone), Json(together[1]));
        Assert.NotEqual(Json(together[0]), Json(together[1]));
    }

    [Fact]
    public void Progress_counts_the_tokens_done()
    {
        using SparseDictionary dictionary = IdentityLike();
        var reports = new List<long>();
        CoreEvaluation.Run(_model, Hook, [dictionary], _batches, new Recorder(reports));
        Assert.Equal([18L, 30L], reports);
    }

    [Fact]
    public void The_json_has_exactly_the_contract_keys()
    {
        using SparseDictionary dictionary = Random(DictionaryArchitecture.Relu, 20, seed: 6);
        CoreMetrics result = CoreEvaluation.Run(_model, Hook, [dictionary], _batches).Single();

        JsonObject metrics = result.Metrics();
        var expected = new Dictionary<string, string[]>
        {
            ["model_behavior_preservation"] = ["kl_div_score", "kl_div_with_ablation", "kl_div_with_sae"],
            ["model_performance_preservation"] = ["ce_loss_score", "ce_loss_with_ablation", "ce_loss_with_sae", "ce_loss_without_sae"],
            ["reconstruction_quality"] = ["explained_variance", "explained_variance_legacy", "mse", "cossim"],
            ["shrinkage"] = ["l2_norm_in", "l2_norm_out", "l2_ratio", "relative_reconstruction_bias"],
            ["sparsity"] = ["l0", "l1"],
            ["token_stats"] = ["total_tokens_eval_reconstruction", "total_tokens_eval_sparsity_variance"],
            ["misc_metrics"] = ["freq_over_1_percent", "freq_over_10_percent", "normalized_freq_over_1_percent",
                "normalized_freq_over_10_percent", "average_max_encoder_cosine_sim", "average_max_decoder_cosine_sim", "frac_alive"],
        };
        Assert.Equal(expected.Keys.Order(), metrics.Select(p => p.Key).Order());
        foreach ((string category, string[] names) in expected)
        {
            JsonObject values = metrics[category]!.AsObject();
            Assert.Equal(names.Order(), values.Select(p => p.Key).Order());
            Assert.All(values, p => Assert.Equal(JsonValueKind.Number, p.Value!.GetValueKind()));
        }
        Assert.Equal(30.0, metrics["token_stats"]!["total_tokens_eval_reconstruction"]!.GetValue<double>());
        Assert.Equal(result.Reconstruction.L0, metrics["sparsity"]!["l0"]!.GetValue<double>());

        JsonArray details = result.Details();
        Assert.Equal(20, details.Count);
        string[] detailKeys = ["index", "feature_density", "consistent_activation_heuristic", "encoder_bias", "encoder_norm",
            "encoder_decoder_cosine_sim", "max_decoder_cosine_sim", "max_encoder_cosine_sim"];
        for (int i = 0; i < details.Count; i++)
        {
            JsonObject detail = details[i]!.AsObject();
            Assert.Equal(detailKeys.Order(), detail.Select(p => p.Key).Order());
            Assert.Equal(i, detail["index"]!.GetValue<int>());
            // A dead feature's heuristic is undefined: null, never NaN.
            Assert.Equal(result.Density.Firings[i] == 0, detail["consistent_activation_heuristic"] is null);
        }

        JsonObject histogram = result.Unstructured()!["density_histogram"]!.AsObject();
        Assert.Equal(["counts", "dead", "log10_edges"], histogram.Select(p => p.Key).Order());
        JsonArray counts = histogram["counts"]!.AsArray(), edges = histogram["log10_edges"]!.AsArray();
        Assert.Equal(counts.Count + 1, edges.Count);
        long dead = histogram["dead"]!.GetValue<long>();
        Assert.Equal(result.Density.Firings.Count(n => n == 0), dead);
        Assert.Equal(20 - dead, counts.Sum(c => c!.GetValue<long>()));
        JsonSerializer.Serialize(new JsonObject { ["m"] = metrics, ["d"] = details, ["u"] = result.Unstructured() });   // nothing unwritable
    }

    [Fact]
    public void Undefined_values_are_written_as_null()
    {
        // A dictionary whose features never fire and one whose only feature has no neighbour.
        using SparseDictionary silent = Dictionary.Create(new DictionaryConfig { Architecture = DictionaryArchitecture.Relu, InputSize = DModel, Width = 1 });
        using (no_grad()) silent.EncoderBias!.fill_(-1e6);
        CoreMetrics result = CoreEvaluation.Run(_model, Hook, [silent], _batches).Single();
        Assert.Null(result.Metrics()["misc_metrics"]!["average_max_encoder_cosine_sim"]);
        Assert.Equal(0.0, result.Metrics()["misc_metrics"]!["frac_alive"]!.GetValue<double>());
        Assert.Null(result.Details()[0]!["consistent_activation_heuristic"]);
        Assert.Equal(1, result.Unstructured()!["density_histogram"]!["dead"]!.GetValue<long>());
    }

    private static string Json(CoreMetrics m) =>
        new JsonObject { ["metrics"] = m.Metrics(), ["details"] = m.Details(), ["unstructured"] = m.Unstructured() }.ToJsonString();

    private static double[][][] Array3(Tensor t)
    {
        using Tensor values = t.to(ScalarType.Float64);
        return [.. Enumerable.Range(0, (int)t.shape[0]).Select(b => Enumerable.Range(0, (int)t.shape[1]).Select(p => values[b, p].data<double>().ToArray()).ToArray())];
    }

    private static IEnumerable<double[]> Rows(Tensor matrix)
    {
        using Tensor values = matrix.to(ScalarType.Float64);
        return [.. Enumerable.Range(0, (int)matrix.shape[0]).Select(i => values[i].data<double>().ToArray())];
    }

    private sealed class Recorder(List<long> reports) : IProgress<long>
    {
        public void Report(long value) => reports.Add(value);
    }
}
