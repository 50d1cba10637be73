using SharpSight.Evals.Dictionaries.Core;
using static SharpSight.Evals.Tests.Dictionaries.Core.PlainReference;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.Core;

public class ReconstructionStatisticsTests
{
    // N = 5 rows, d = 3, F = 4. Row 3 of x is (almost) zero, to exercise the l2_ratio divisor and the cosine clamp.
    private static readonly double[][] X =
    [
        [1.0, 2.0, 0.5], [-1.0, 0.0, 3.0], [2.0, 2.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, -2.0],
    ];

    private static readonly double[][] XHat =
    [
        [0.8, 1.9, 0.4], [-0.5, 0.2, 2.5], [2.1, 1.8, 2.2], [0.1, 0.0, 0.0], [2.5, 0.3, -1.5],
    ];

    private static readonly double[][] Features =
    [
        [0.0, 1.5, 0.0, 0.2], [2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.3, 0.3, 0.3, 0.0], [0.0, 0.0, 4.0, 0.0],
    ];

    private static Tensor Matrix(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);

    private static ReconstructionStatistics Statistics(params int[][] batches)
    {
        var statistics = new ReconstructionStatistics();
        using var scope = NewDisposeScope();
        foreach (int[] rows in batches)
            statistics.Add(Matrix([.. rows.Select(r => X[r])]), Matrix([.. rows.Select(r => XHat[r])]), Matrix([.. rows.Select(r => Features[r])]));
        return statistics;
    }

    [Fact]
    public void Every_metric_matches_a_plain_float64_computation()
    {
        ReconstructionStatistics s = Statistics([0, 1, 2, 3, 4]);
        Assert.Equal(5, s.Rows);
        Assert.Equal(7.0 / 5, s.L0, 12);   // 2 + 1 + 0 + 3 + 1 non-zero features
        Close(L1(Features), s.L1);
        Close(Mse(X, XHat), s.MeanSquaredError);
        Close(Cossim(X, XHat), s.CosineSimilarity);
        Close(X.Average(Norm), s.L2NormIn);
        Close(XHat.Average(Norm), s.L2NormOut);
        Close(L2Ratio(X, XHat), s.L2Ratio);
        Close(RelativeReconstructionBias(X, XHat), s.RelativeReconstructionBias);
        Close(ExplainedVariance(X, XHat), s.ExplainedVariance);
        Close(LegacySum(X, XHat) / 5, s.ExplainedVarianceLegacy);
        // The zero row: ratio 0.1 / 1 (not / 0), cosine 0 (not NaN).
        Assert.True(double.IsFinite(s.L2Ratio) && double.IsFinite(s.CosineSimilarity));
    }

    [Fact]
    public void Rows_added_in_several_batches_give_the_values_of_one_batch_except_the_batch_dependent_legacy_variance()
    {
        ReconstructionStatistics whole = Statistics([0, 1, 2, 3, 4]);
        ReconstructionStatistics split = Statistics([0, 1], [2, 3, 4]);
        Assert.Equal(whole.Rows, split.Rows);
        Close(whole.L0, split.L0);
        Close(whole.L1, split.L1);
        Close(whole.MeanSquaredError, split.MeanSquaredError);
        Close(whole.CosineSimilarity, split.CosineSimilarity);
        Close(whole.L2NormIn, split.L2NormIn);
        Close(whole.L2NormOut, split.L2NormOut);
        Close(whole.L2Ratio, split.L2Ratio);
        Close(whole.RelativeReconstructionBias, split.RelativeReconstructionBias);
        Close(whole.ExplainedVariance, split.ExplainedVariance);
        // Legacy: each row against its own batch's mean.
        double legacy = (LegacySum([X[0], X[1]], [XHat[0], XHat[1]]) + LegacySum([X[2], X[3], X[4]], [XHat[2], XHat[3], XHat[4]])) / 5;
        Close(legacy, split.ExplainedVarianceLegacy);
        Assert.NotEqual(whole.ExplainedVarianceLegacy, split.ExplainedVarianceLegacy, 6);
    }

    [Fact]
    public void Explained_variance_is_zero_for_the_mean_and_one_for_a_perfect_reconstruction()
    {
        double[] mean = MeanRow(X);
        using var scope = NewDisposeScope();
        Tensor x = Matrix(X), features = Matrix(Features);
        var atMean = new ReconstructionStatistics();
        // The mean of all rows, though each batch has its own mean: the variance is over all rows.
        atMean.Add(x[..2], Matrix([mean, mean]), features[..2]);
        atMean.Add(x[2..], Matrix([mean, mean, mean]), features[2..]);
        Assert.Equal(0, atMean.ExplainedVariance, 12);

        var perfect = new ReconstructionStatistics();
        perfect.Add(x, x, features);
        Assert.Equal(1, perfect.ExplainedVariance, 12);
        Assert.Equal(1, perfect.RelativeReconstructionBias, 12);
        Assert.Equal(0, perfect.MeanSquaredError, 12);
    }

    [Fact]
    public void Float32_inputs_are_accumulated_in_float64()
    {
        // 10⁶ copies of one row: float32 running sums would drift far from the per-row value, float64 ones do not.
        using var scope = NewDisposeScope();
        Tensor x = tensor(new float[] { 1.1f, -2.3f, 0.7f }).expand(10_000, 3).contiguous();
        Tensor xHat = x * 0.9f;
        Tensor features = ones(10_000, 4);
        var s = new ReconstructionStatistics();
        for (int i = 0; i < 100; i++) s.Add(x, xHat, features);
        double[] row = [1.1f, -2.3f, 0.7f];
        double[] rowHat = [.. row.Select(v => (double)((float)v * 0.9f))];
        Close(SquaredDistance(row, rowHat), s.MeanSquaredError, 1e-10);
        Close(Norm(rowHat) / Norm(row), s.L2Ratio, 1e-10);
        Assert.Equal(4, s.L0);
    }

    [Fact]
    public void Mismatched_shapes_are_refused()
    {
        using var scope = NewDisposeScope();
        var s = new ReconstructionStatistics();
        Assert.Contains("reconstruction must have x's shape", Assert.Throws<ArgumentException>(() => s.Add(zeros(4, 3), zeros(4, 2), zeros(4, 5))).Message);
        Assert.Contains("features must be [4, F]", Assert.Throws<ArgumentException>(() => s.Add(zeros(4, 3), zeros(4, 3), zeros(3, 5))).Message);
        s.Add(ones(4, 3), ones(4, 3), zeros(4, 5));
        Assert.Contains("earlier batches had d 3", Assert.Throws<ArgumentException>(() => s.Add(zeros(4, 2), zeros(4, 2), zeros(4, 5))).Message);
    }
}
