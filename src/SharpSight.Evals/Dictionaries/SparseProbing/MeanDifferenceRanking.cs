using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>
/// SAEBench's choice of the dimensions (latents or model channels) a top-k probe reads: those whose mean on positive
/// training examples differs most, in absolute value, from their mean on negative ones.
/// </summary>
public static class MeanDifferenceRanking
{
    /// <summary>|mean over positives − mean over negatives| per dimension [d] (float64) of features [N, d] and labels [N] (0 / 1).</summary>
    public static double[] Scores(Tensor features, Tensor labels)
    {
        if (features.dim() != 2) throw new ArgumentException($"features must be [examples, d], got [{string.Join(", ", features.shape)}]");
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"labels must be [examples] with {features.shape[0]} examples, got [{string.Join(", ", labels.shape)}]");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool[] positive = [.. labels.detach().to(ScalarType.Float64, CPU).data<double>().ToArray().Select(v => v > 0.5)];
        int positives = positive.Count(p => p), negatives = positive.Length - positives;
        if (positives == 0 || negatives == 0) throw new ArgumentException($"labels need both classes, got {positives} positive and {negatives} negative examples");
        Tensor x = features.detach().to(ScalarType.Float64, CPU);
        Tensor meanPositive = x.index_select(0, tensor(Enumerable.Range(0, positive.Length).Where(i => positive[i]).Select(i => (long)i).ToArray())).mean([0L]);
        Tensor meanNegative = x.index_select(0, tensor(Enumerable.Range(0, positive.Length).Where(i => !positive[i]).Select(i => (long)i).ToArray())).mean([0L]);
        return (meanPositive - meanNegative).abs().data<double>().ToArray();
    }

    /// <summary>The <paramref name="k"/> highest-scoring dimensions, best first (ties: the lower index first).</summary>
    public static int[] Top(Tensor features, Tensor labels, int k)
    {
        double[] scores = Scores(features, labels);
        if (k < 1 || k > scores.Length) throw new ArgumentException($"k must lie in 1..{scores.Length}, got {k}");
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToArray();
    }
}
