using System.Text.Json.Nodes;
using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Architectures;
using SharpSight.Evals.Dictionaries.SparseProbing;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.SparseProbing;

public class SparseProbingTests
{
    private static readonly string[] MetricNames = ["test_accuracy", "top_1_test_accuracy", "top_2_test_accuracy", "top_5_test_accuracy"];

    [Fact]
    public void Dimensions_are_ranked_by_the_absolute_difference_of_class_means()
    {
        // Positives (rows 0, 1) average (2, 1, 5, 0); negatives (rows 2, 3) average (0, 1, 2, 0.5): |differences| 2, 0, 3, 0.5.
        using Tensor x = tensor(new float[] { 1, 0, 5, 0, 3, 2, 5, 0, 0, 1, 1, 1, 0, 1, 3, 0 }, [4, 4]);
        using Tensor y = tensor(new long[] { 1, 1, 0, 0 });
        Assert.Equal([2.0, 0.0, 3.0, 0.5], MeanDifferenceRanking.Scores(x, y));
        Assert.Equal([2, 0, 3], MeanDifferenceRanking.Top(x, y, 3));
        Assert.Equal([2], MeanDifferenceRanking.Top(x, y, 1));
        // A negative difference counts by its size: flipping the labels changes nothing.
        using Tensor flipped = tensor(new long[] { 0, 0, 1, 1 });
        Assert.Equal([2, 0, 3], MeanDifferenceRanking.Top(x, flipped, 3));
    }

    [Fact]
    public void One_versus_rest_takes_every_positive_and_as_many_negatives_spread_over_the_other_classes()
    {
        int[] labels = [.. Enumerable.Repeat(0, 30).Concat(Enumerable.Repeat(1, 40)).Concat(Enumerable.Repeat(2, 50)).Concat(Enumerable.Repeat(3, 20))];
        BinaryProblem problem = OneVersusRest.Sample(labels, 0, seed: 5);
        int[] positives = [.. problem.Indices.Where((_, i) => problem.IsClass[i])];
        int[] negatives = [.. problem.Indices.Where((_, i) => !problem.IsClass[i])];
        Assert.Equal(Enumerable.Range(0, 30), positives.Order());
        Assert.Equal(30, negatives.Length);
        Assert.All(negatives, i => Assert.NotEqual(0, labels[i]));
        Assert.Equal(negatives.Length, negatives.Distinct().Count());
        // ⌈30 / 3⌉ = 10 drawn from each other class, and those 30 kept.
        Assert.All(negatives.GroupBy(i => labels[i]), g => Assert.Equal(10, g.Count()));
        Assert.Equal(problem, OneVersusRest.Sample(labels, 0, seed: 5), new ProblemComparer());

        // Fewer negatives than positives: positives are drawn down to match.
        BinaryProblem scarce = OneVersusRest.Sample([.. Enumerable.Repeat(0, 10).Concat(Enumerable.Repeat(1, 4))], 0, seed: 1);
        Assert.Equal(4, scarce.IsClass.Count(c => c));
        Assert.Equal(4, scarce.IsClass.Count(c => !c));
    }

    [Fact]
    public void A_latent_equal_to_the_label_gives_perfect_top_1_probes()
    {
        using var scope = NewDisposeScope();
        using ProbingDataset dataset = PlantedDataset("planted", 400, 200, seed: 11);
        using ReluDictionary dictionary = PlantedDictionary();
        SparseProbingResult result = SparseProbingEvaluation.Evaluate(dictionary, [dataset]);

        ClassProbing sae = Assert.Single(result.Datasets[0].Sae);
        Assert.Equal("yes", sae.ClassName);
        Assert.Equal(3, sae.TopDimensions[0]);
        Assert.Equal(1.0, result.Sae.TopK[1]);
        Assert.Equal(1.0, result.Sae.All);
        // The model-side probes see the label in activation dimension 0.
        Assert.Equal(0, result.Datasets[0].Llm[0].TopDimensions[0]);
        Assert.Equal(1.0, result.Llm.TopK[1]);
        Assert.Equal(1.0, (double)result.Metrics()["sae"]!["sae_top_1_test_accuracy"]!);
    }

    [Fact]
    public void Decoder_norms_are_folded_into_the_latents_before_ranking()
    {
        // Feature 3 reads the label at half strength but its decoder row has norm 4 (folded: 2 × label); feature 5 reads
        // it at full strength with a unit decoder row. Folded, feature 3 ranks first; read raw, feature 5 does.
        using var scope = NewDisposeScope();
        using ProbingDataset dataset = PlantedDataset("planted", 200, 100, seed: 12);
        using ReluDictionary dictionary = PlantedDictionary();
        using (no_grad())
        {
            dictionary.EncoderWeight[.., 3] = tensor(new float[] { 0.5f, 0, 0, 0, 0, 0, 0, 0 });
            dictionary.DecoderWeight[3] = tensor(new float[] { 4, 0, 0, 0, 0, 0, 0, 0 });
            dictionary.EncoderWeight[.., 5] = tensor(new float[] { 1, 0, 0, 0, 0, 0, 0, 0 });
            dictionary.DecoderWeight[5] = tensor(new float[] { 1, 0, 0, 0, 0, 0, 0, 0 });
        }
        var options = new SparseProbingOptions { ProbeAllLatents = false };
        Assert.Equal([3, 5], SparseProbingEvaluation.Evaluate(dictionary, [dataset], options).Datasets[0].Sae[0].TopDimensions.Take(2));
        Assert.Equal([5, 3], SparseProbingEvaluation.Evaluate(dictionary, [dataset], options with { FoldDecoderNorms = false }).Datasets[0].Sae[0].TopDimensions.Take(2));
    }

    [Fact]
    public void Every_class_of_a_multi_class_dataset_is_probed_and_a_baseline_is_reused()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(4);
        // Three classes, each marked by one activation dimension (0, 1, 2) plus noise.
        int[] trainLabels = [.. Enumerable.Range(0, 300).Select(i => i % 3)], testLabels = [.. Enumerable.Range(0, 150).Select(i => i % 3)];
        Tensor Rows(int[] labels) => nn.functional.one_hot(tensor(labels.Select(l => (long)l).ToArray()), 8).to(ScalarType.Float32) * 3 + 0.3f * randn([labels.Length, 8], generator: generator);
        using var dataset = ProbingDataset.FromRows("three", Rows(trainLabels), trainLabels, Rows(testLabels), testLabels, ["a", "b", "c"]);
        using ReluDictionary dictionary = PlantedDictionary();
        var options = new SparseProbingOptions { Ks = [1, 2] };
        SparseProbingBaseline baseline = SparseProbingEvaluation.ModelBaseline([dataset], options);
        SparseProbingResult result = SparseProbingEvaluation.Evaluate(dictionary, [dataset], options, baseline);
        Assert.Equal(["a", "b", "c"], result.Datasets[0].Llm.Select(c => c.ClassName));
        Assert.Equal(["a", "b", "c"], result.Datasets[0].Sae.Select(c => c.ClassName));
        Assert.Equal([0, 1, 2], result.Datasets[0].Llm.Select(c => c.TopDimensions[0]));
        Assert.Same(baseline.Classes[0], result.Datasets[0].Llm);
        Assert.Throws<ArgumentException>(() => SparseProbingEvaluation.Evaluate(dictionary, [dataset], options with { Seed = 1 }, baseline));
    }

    [Fact]
    public void Accuracies_are_averaged_over_classes_then_datasets()
    {
        static ClassProbing Class(double all, double top1) => new("c", new ProbeAccuracies(all, new Dictionary<int, double> { [1] = top1 }), [0]);
        var first = new DatasetProbing("first", [Class(0.5, 0.4), Class(0.7, 0.6), Class(0.9, 0.8)], [Class(0.6, 0.5), Class(0.8, 0.7), Class(1.0, 0.9)]);
        var second = new DatasetProbing("second", [Class(0.6, 1.0)], [Class(double.NaN, 0.3)]);
        var result = new SparseProbingResult([first, second], [1], new SparseProbingOptions { Ks = [1] });

        // llm: dataset means (0.7, 0.6) → 0.65; top-1 (0.6, 1.0) → 0.8. sae: top-1 (0.7, 0.3) → 0.5; all: NaN → null.
        JsonObject metrics = result.Metrics();
        Assert.Equal(0.65, (double)metrics["llm"]!["llm_test_accuracy"]!, 1e-12);
        Assert.Equal(0.8, (double)metrics["llm"]!["llm_top_1_test_accuracy"]!, 1e-12);
        Assert.Equal(0.5, (double)metrics["sae"]!["sae_top_1_test_accuracy"]!, 1e-12);
        Assert.Null(metrics["sae"]!["sae_test_accuracy"]);
        Assert.True(metrics["sae"]!.AsObject().ContainsKey("sae_test_accuracy"));
        JsonArray details = result.Details();
        Assert.Equal(0.7, (double)details[0]!["llm_test_accuracy"]!, 1e-12);
        Assert.Equal(0.8, (double)details[0]!["sae_test_accuracy"]!, 1e-12);
        Assert.Equal(0.3, (double)details[1]!["sae_top_1_test_accuracy"]!, 1e-12);
    }

    [Fact]
    public void Json_has_the_contract_shapes()
    {
        using var scope = NewDisposeScope();
        using ProbingDataset first = PlantedDataset("first", 200, 100, seed: 1);
        using ProbingDataset second = PlantedDataset("second", 200, 100, seed: 2);
        using ReluDictionary dictionary = PlantedDictionary();
        SparseProbingResult result = SparseProbingEvaluation.Evaluate(dictionary, [first, second], new SparseProbingOptions { ProbeAllLatents = false });

        JsonObject metrics = result.Metrics();
        Assert.Equal(["llm", "sae"], metrics.Select(p => p.Key));
        Assert.Equal(MetricNames.Select(n => "llm_" + n), metrics["llm"]!.AsObject().Select(p => p.Key));
        Assert.Equal(MetricNames.Select(n => "sae_" + n), metrics["sae"]!.AsObject().Select(p => p.Key));
        Assert.Null(metrics["sae"]!["sae_test_accuracy"]);
        JsonArray details = result.Details();
        Assert.Equal(2, details.Count);
        Assert.Equal(["dataset_name", .. MetricNames.Select(n => "llm_" + n), .. MetricNames.Select(n => "sae_" + n)], details[0]!.AsObject().Select(p => p.Key));
        Assert.Equal("second", (string)details[1]!["dataset_name"]!);
        Assert.Null(result.Unstructured());
        Assert.Equal(new JsonArray(1, 2, 5).ToJsonString(), result.ConfigSettings()["k_values"]!.ToJsonString());
    }

    [Fact]
    public void A_dictionary_for_another_activation_size_is_refused()
    {
        using ProbingDataset dataset = PlantedDataset("planted", 20, 10, seed: 3);
        using var dictionary = new ReluDictionary(new DictionaryConfig { Architecture = DictionaryArchitecture.Relu, InputSize = 5, Width = 8 });
        var error = Assert.Throws<ArgumentException>(() => SparseProbingEvaluation.Evaluate(dictionary, [dataset]));
        Assert.Contains("d_in 5", error.Message);
    }

    // Class "yes" (index 0) has activation dimension 0 equal to 1, class "no" has 0; dimensions 1..7 are noise.
    private static ProbingDataset PlantedDataset(string name, int train, int test, int seed)
    {
        var generator = new Generator((ulong)seed);
        (Tensor Rows, int[] Labels) Make(int count)
        {
            int[] labels = [.. Enumerable.Range(0, count).Select(i => i % 2)];
            Tensor rows = randn([count, 8], generator: generator);
            rows[.., 0] = tensor(labels.Select(l => l == 0 ? 1f : 0f).ToArray());
            return (rows, labels);
        }
        var (trainRows, trainLabels) = Make(train);
        var (testRows, testLabels) = Make(test);
        return ProbingDataset.FromRows(name, trainRows, trainLabels, testRows, testLabels, ["yes", "no"]);
    }

    // ReLU dictionary of width 16 on d_in 8 whose feature 3 reads dimension 0 (so equals the planted label); the other
    // features read the noise dimensions weakly.
    private static ReluDictionary PlantedDictionary()
    {
        var dictionary = new ReluDictionary(new DictionaryConfig { Architecture = DictionaryArchitecture.Relu, InputSize = 8, Width = 16 });
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor encoder = 0.1f * randn([8, 16], generator: new Generator(9));
        encoder[0] = zeros(16);
        encoder[.., 3] = tensor(new float[] { 1, 0, 0, 0, 0, 0, 0, 0 });
        dictionary.EncoderWeight.copy_(encoder);
        dictionary.DecoderWeight.copy_(encoder.t());
        return dictionary;
    }

    private sealed class ProblemComparer : IEqualityComparer<BinaryProblem>
    {
        public bool Equals(BinaryProblem? a, BinaryProblem? b) => a!.Indices.SequenceEqual(b!.Indices) && a.IsClass.SequenceEqual(b.IsClass);

        public int GetHashCode(BinaryProblem problem) => problem.Indices.Count;
    }
}
