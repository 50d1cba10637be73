using SharpSight.Dictionaries.Evaluation;
using SharpSight.Dictionaries.Tests.Reference;
using SharpSight.Dictionaries.Tests.Support;
using static SharpSight.Dictionaries.Tests.Reference.RefMath;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Evaluation;

public sealed class ReconstructionScoreTests
{
    [Fact]
    public void Scores_match_a_float64_computation_over_all_rows_however_they_are_batched()
    {
        RefCase first = Cases.Relu(), second = Cases.Relu(firstSeed: first.Seed + 1);
        double[][] x = [.. first.X, .. second.X];
        double[][] features = Map(PreActivations(first.Params, x), Relu);
        double[][] reconstruction = Decode(first.Params, features);
        double[][] error = [.. x.Select((row, b) => row.Select((v, d) => v - reconstruction[b][d]).ToArray())];
        double expectedFve = 1 - SumOfVariances(error) / SumOfVariances(x);
        double expectedL0 = features.Sum(row => row.Count(v => v > 0)) / (double)x.Length;
        double expectedMse = error.Sum(row => row.Sum(v => v * v)) / x.Length;

        using SparseDictionary dictionary = Lib.Create(DictionaryArchitecture.Relu, first.Params);
        using Tensor all = Lib.Batch(x), head = Lib.Batch([.. x.Take(3)]), tail = Lib.Batch([.. x.Skip(3)]);
        foreach (Tensor[] batches in new[] { new[] { all }, new[] { head, tail } })
        {
            ReconstructionScore score = ReconstructionScore.Measure(dictionary, batches);
            Assert.Equal(x.Length, score.Activations);
            Expect.Close(expectedL0, score.L0, "L0", rtol: 1e-12);
            Expect.Close(expectedFve, score.FractionOfVarianceExplained, "FVE", rtol: 1e-5);
            Expect.Close(expectedMse, score.MeanSquaredError, "MSE", rtol: 1e-5);
        }
    }

    [Fact]
    public void Reconstructing_every_row_by_the_mean_explains_no_variance()
    {
        RefCase c = Cases.Relu();
        RefParams p = c.Params;
        Array.Clear(p["W_dec"]);
        for (int d = 0; d < p.DIn; d++) p["b_dec"][d] = c.X.Average(row => row[d]);
        using SparseDictionary dictionary = Lib.Create(DictionaryArchitecture.Relu, p);
        using Tensor batch = Lib.Batch(c.X);
        Expect.Close(0, ReconstructionScore.Measure(dictionary, [batch]).FractionOfVarianceExplained, "FVE", atol: 1e-6);
    }

    [Fact]
    public void A_batch_of_the_wrong_width_is_refused()
    {
        using SparseDictionary dictionary = Lib.Create(DictionaryArchitecture.Relu, Cases.Relu().Params);
        using Tensor batch = zeros(3, Cases.DIn + 1);
        Assert.Equal($"a batch of shape [3, {Cases.DIn + 1}] does not fit a dictionary of d_in {Cases.DIn}",
            Assert.Throws<ArgumentException>(() => ReconstructionScore.Measure(dictionary, [batch])).Message);
    }

    private static double SumOfVariances(double[][] rows)
    {
        double total = 0;
        for (int d = 0; d < rows[0].Length; d++)
        {
            double mean = rows.Average(r => r[d]);
            total += rows.Average(r => (r[d] - mean) * (r[d] - mean));
        }
        return total;
    }
}
