using SharpSight.Dictionaries.Architectures;
using SharpSight.Dictionaries.Tests.Reference;
using SharpSight.Dictionaries.Tests.Support;
using SharpSight.Dictionaries.Training;
using static SharpSight.Dictionaries.Tests.Reference.RefMath;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests;

/// <summary>Properties the dictionaries must have whatever their parameters: folding, selection counts, bias scaling, the geometric median.</summary>
public class InvariantTests
{
    private static string RefName(DictionaryArchitecture architecture) => architecture.ToString().ToLowerInvariant();

    private const double ScaleFactor = 2.5;

    /// <summary>
    /// A case none of whose pre-activations lies within 0.01 of a kink, and in which an unscaled threshold or gate bias
    /// would show: for both scalings the tests apply (feature i by ‖W_dec,i‖ when folding, everything by 2.5 in
    /// ScaleBiases) some entry opens or closes if θ (JumpReLU, BatchTopK with θ = 0.2) or b_gate (Gated) is not scaled along.
    /// </summary>
    private static RefCase InferenceCase(DictionaryArchitecture architecture) => RefCases.Find(
        architecture == DictionaryArchitecture.BatchTopK ? "jumprelu" : RefName(architecture), Cases.DIn, Cases.DSae, Cases.Rows, (p, x) =>
        {
            bool Shows(Func<int, double, bool> flips) =>
                Enumerable.Range(0, p.DSae).Any(i => flips(i, p.DecoderNorm(i))) && Enumerable.Range(0, p.DSae).Any(i => flips(i, ScaleFactor));
            if (architecture == DictionaryArchitecture.Gated)
            {
                double[][] projected = Project(p, x), magnitude = MagnitudePath(p, x);
                return RefCases.MinAbs(PreActivations(p, x, "b_gate")) >= 0.01 && RefCases.MinAbs(magnitude) >= 0.01
                    && Shows((i, scale) => projected.Where((_, b) => magnitude[b][i] > 0)
                        .Any(row => (row[i] + p["b_gate"][i] > 0) != (scale * row[i] + p["b_gate"][i] > 0)));
            }
            double[][] pre = PreActivations(p, x);
            if (RefCases.MinAbs(pre) < 0.01) return false;
            if (architecture == DictionaryArchitecture.TopK) return pre.All(row => RefCases.BoundaryGap(row, Cases.K) >= 0.01 && SortedDescending(row)[Cases.K - 1] > 0.01);
            if (!p.Has("threshold")) return true;
            return pre.All(row => row.Select((v, i) => Math.Abs(v - p["threshold"][i])).Min() >= 0.01)
                && pre.Any(row => row.Select((v, i) => v > p["threshold"][i]).Any(open => open))
                && Shows((i, scale) => pre.Any(row => row[i] > 0 && (row[i] > p["threshold"][i]) != (scale * row[i] > p["threshold"][i])));
        });

    [Theory]
    [InlineData(DictionaryArchitecture.Relu)]
    [InlineData(DictionaryArchitecture.JumpRelu)]
    [InlineData(DictionaryArchitecture.Gated)]
    [InlineData(DictionaryArchitecture.BatchTopK)]
    public void Folding_decoder_norms_leaves_reconstructions_unchanged_and_scales_features_by_the_norms(DictionaryArchitecture architecture)
    {
        RefCase c = InferenceCase(architecture); // BatchTopK: a learned threshold θ = 0.2, so inference is a JumpReLU
        RefParams p = c.Params;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using SparseDictionary dictionary = Lib.Create(architecture, p, k: Cases.K);
        Tensor x = Lib.Batch(c.X);
        double[] norms = [.. Enumerable.Range(0, p.DSae).Select(p.DecoderNorm)];
        Assert.Contains(norms, n => Math.Abs(n - 1) > 0.2);
        DictionaryOutput before = dictionary.Forward(x);
        double[][] featuresBefore = Lib.Rows(before.Features);
        Assert.Contains(featuresBefore.SelectMany(r => r), v => v > 0);

        dictionary.FoldDecoderNorms();

        DictionaryOutput after = dictionary.Forward(x);
        Expect.Close(Lib.Values(before.Reconstruction), Lib.Values(after.Reconstruction), "reconstruction", rtol: 1e-5);
        double[] expectedFeatures = [.. featuresBefore.SelectMany(row => row.Select((v, i) => v * norms[i]))];
        Expect.Close(expectedFeatures, Lib.Values(after.Features), "features × decoder norms", rtol: 1e-5);
        RefParams folded = Lib.Read(dictionary);
        for (int i = 0; i < p.DSae; i++) Assert.Equal(1.0, folded.DecoderNorm(i), 5);
    }

    [Theory]
    [InlineData(DictionaryArchitecture.TopK)]
    [InlineData(DictionaryArchitecture.BatchTopK)]
    public void Dictionaries_whose_selection_depends_on_scale_refuse_to_fold_non_unit_rows_and_change_nothing(DictionaryArchitecture architecture)
    {
        // BatchTopK here has no learned threshold yet, so it still selects by the batch rule.
        RefCase c = Cases.TopKFamily(perRow: architecture == DictionaryArchitecture.TopK);
        using var scope = NewDisposeScope();
        using SparseDictionary dictionary = Lib.Create(architecture, c.Params, k: Cases.K);
        Assert.Throws<InvalidOperationException>(dictionary.FoldDecoderNorms);
        RefParams after = Lib.Read(dictionary);
        foreach (string name in c.Params.Names) Assert.Equal(c.Params[name], after[name]);
    }

    [Fact]
    public void TopK_folds_unit_decoder_rows_as_a_no_op()
    {
        RefCase c = Cases.TopKFamily(perRow: true, adjust: Cases.UnitDecoder);
        using var scope = NewDisposeScope();
        using SparseDictionary dictionary = Lib.Create(DictionaryArchitecture.TopK, c.Params, k: Cases.K);
        dictionary.FoldDecoderNorms();
        RefParams after = Lib.Read(dictionary);
        foreach (string name in c.Params.Names) Expect.Close(c.Params[name], after[name], name, rtol: 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TopK_encode_keeps_exactly_k_features_per_row_the_k_largest(int k)
    {
        RefCase c = RefCases.Find("topk", Cases.DIn, Cases.DSae, Cases.Rows, (p, x) =>
        {
            double[][] active = Map(PreActivations(p, x), Relu);
            return active.All(row => row.Count(v => v > 0.01) >= 4
                && SortedDescending(row).Zip(SortedDescending(row).Skip(1)).All(pair => pair.First - pair.Second >= 1e-3 || pair.First == 0));
        });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using SparseDictionary dictionary = Lib.Create(DictionaryArchitecture.TopK, c.Params, k: k);
        double[][] features = Lib.Rows(dictionary.Encode(Lib.Batch(c.X)));
        Assert.All(features, row => Assert.Equal(k, row.Count(v => v != 0)));
        double[][] expected = KeepTopKPerRow(Map(PreActivations(c.Params, c.X), Relu), k);
        Expect.Close([.. expected.SelectMany(r => r)], [.. features.SelectMany(r => r)], $"top-{k}", rtol: 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BatchTopK_keeps_exactly_k_times_batch_entries_over_the_batch_with_rows_free_to_differ(int k)
    {
        double[][] values =
        [
            [9.0, 8.0, 7.0, 0.5, 6.0],
            [0.4, 5.0, 0.3, 0.2, 4.0],
            [0.1, 0.05, 0.6, 0.7, 0.01],
        ];
        using var scope = NewDisposeScope();
        double[][] kept = Lib.Rows(BatchTopKDictionary.KeepBatchTopK(Lib.Batch(values), k));
        Assert.Equal(k * values.Length, kept.Sum(row => row.Count(v => v != 0)));
        Assert.True(kept.Select(row => row.Count(v => v != 0)).Distinct().Count() > 1, "rows should keep different counts");
        Expect.Close([.. KeepTopKOverBatch(values, k).SelectMany(r => r)], [.. kept.SelectMany(r => r)], "kept entries", rtol: 1e-6);

        // Leading dimensions are flattened: [2, 3, 5] keeps k·6 entries.
        Tensor stacked = stack([Lib.Batch(values), Lib.Batch(values) * 0.5]);
        using Tensor keptStacked = BatchTopKDictionary.KeepBatchTopK(stacked, k);
        Assert.Equal(k * 6, keptStacked.count_nonzero().item<long>());
    }

    [Fact]
    public void BatchTopK_encode_batch_keeps_the_k_times_batch_largest_activations()
    {
        RefCase c = Cases.TopKFamily(perRow: false);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var dictionary = (BatchTopKDictionary)Lib.Create(DictionaryArchitecture.BatchTopK, c.Params, k: Cases.K);
        Assert.False(dictionary.HasThreshold);
        double[][] features = Lib.Rows(dictionary.EncodeBatch(Lib.Batch(c.X)));
        Assert.Equal(Cases.K * Cases.Rows, features.Sum(row => row.Count(v => v != 0)));
        double[][] expected = KeepTopKOverBatch(Map(PreActivations(c.Params, c.X), Relu), Cases.K);
        Expect.Close([.. expected.SelectMany(r => r)], [.. features.SelectMany(r => r)], "batch top-k", rtol: 1e-5);
        // Without a threshold, inference falls back to the batch rule.
        Expect.Close([.. expected.SelectMany(r => r)], Lib.Values(dictionary.Encode(Lib.Batch(c.X))), "encode without threshold", rtol: 1e-5);
    }

    /// <summary>After training on x/c, ScaleBiases(c) makes the dictionary read raw activations: D'(c·x) = c·D(x).</summary>
    [Theory]
    [InlineData(DictionaryArchitecture.Relu, false)]
    [InlineData(DictionaryArchitecture.TopK, false)]
    [InlineData(DictionaryArchitecture.BatchTopK, false)]
    [InlineData(DictionaryArchitecture.BatchTopK, true)]
    [InlineData(DictionaryArchitecture.JumpRelu, false)]
    [InlineData(DictionaryArchitecture.Gated, false)]
    public void Scaling_biases_by_c_makes_the_dictionary_on_c_x_reconstruct_c_times(DictionaryArchitecture architecture, bool withThreshold)
    {
        const double factor = ScaleFactor;
        // BatchTopK with a threshold is generated like a JumpReLU (θ = 0.2); without one it keeps θ = −1 and selects by the batch rule.
        RefCase c = architecture == DictionaryArchitecture.BatchTopK && !withThreshold ? Cases.TopKFamily(perRow: false) : InferenceCase(architecture);
        RefParams p = c.Params;
        double[][] x = c.X;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using SparseDictionary dictionary = Lib.Create(architecture, p, k: Cases.K);
        double[] before = Lib.Values(dictionary.Forward(Lib.Batch(x)).Reconstruction);

        dictionary.ScaleBiases(factor);

        double[] after = Lib.Values(dictionary.Forward(Lib.Batch(x) * factor).Reconstruction);
        Expect.Close([.. before.Select(v => v * factor)], after, "reconstruction of c·x", rtol: 1e-5);
        if (withThreshold) Assert.All(Lib.Read(dictionary)["threshold"], t => Assert.Equal(0.2 * factor, t, 6));
    }

    public static TheoryData<string, double[][]> PointSets => new()
    {
        { "generic", [[0.3, -1.2, 2.0], [1.5, 0.4, -0.7], [-0.9, 2.2, 0.1], [2.4, 1.9, 1.3], [-1.7, -0.6, -2.1], [0.8, 0.2, 0.9], [3.1, -2.5, 0.4]] },
        { "median at a data point", [[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1.5], [0, 0, -1.5]] },
        { "skewed by an outlier", [[0.1, 0.2, 0.0], [0.0, 0.1, 0.2], [0.2, 0.0, 0.1], [0.15, 0.15, 0.05], [40.0, -30.0, 25.0]] },
    };

    [Theory]
    [MemberData(nameof(PointSets))]
    public void Geometric_median_matches_a_brute_force_minimiser_of_the_summed_distances(string name, double[][] points)
    {
        using var scope = NewDisposeScope();
        Tensor input = tensor(points.SelectMany(r => r).ToArray(), [points.Length, 3], ScalarType.Float64);
        Tensor median = GeometricMedian.Of(input);
        Assert.Equal(ScalarType.Float64, median.dtype);
        double[] actual = Lib.Values(median), expected = RefGeometricMedian.Minimise(points);
        Expect.Close(expected, actual, $"{name}: median", rtol: 0, atol: 1e-4);
        Assert.True(RefGeometricMedian.Objective(points, actual) <= RefGeometricMedian.Objective(points, expected) + 1e-6, $"{name}: objective");
        double[] mean = [.. Enumerable.Range(0, 3).Select(d => points.Average(r => r[d]))];
        Assert.True(RefGeometricMedian.Objective(points, expected) < RefGeometricMedian.Objective(points, mean) - 1e-6 || name.Contains("data point"),
            $"{name}: the median should beat the mean");
        Assert.Equal(ScalarType.Float32, GeometricMedian.Of(input.to(ScalarType.Float32)).dtype);
    }
}
