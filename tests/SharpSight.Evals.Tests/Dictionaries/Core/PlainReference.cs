namespace SharpSight.Evals.Tests.Dictionaries.Core;

/// <summary>The core metrics written as plain float64 loops over arrays, independent of the TorchSharp code paths.</summary>
internal static class PlainReference
{
    public static double Norm(double[] v) => Math.Sqrt(v.Sum(a => a * a));

    public static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

    public static double SquaredDistance(double[] a, double[] b) => a.Zip(b, (p, q) => (p - q) * (p - q)).Sum();

    public static double[] MeanRow(double[][] rows) =>
        [.. Enumerable.Range(0, rows[0].Length).Select(j => rows.Average(r => r[j]))];

    public static double L0(double[][] features) => features.Average(r => r.Count(v => v != 0));

    public static double L1(double[][] features) => features.Average(r => r.Sum(Math.Abs));

    public static double Mse(double[][] x, double[][] xHat) => x.Zip(xHat, SquaredDistance).Average();

    public static double Cossim(double[][] x, double[][] xHat) =>
        x.Zip(xHat, (a, b) => Dot(a, b) / (Math.Max(Norm(a), 1e-8) * Math.Max(Norm(b), 1e-8))).Average();

    public static double L2Ratio(double[][] x, double[][] xHat) =>
        x.Zip(xHat, (a, b) => Norm(b) / (Norm(a) < 1e-4 ? 1 : Norm(a))).Average();

    public static double RelativeReconstructionBias(double[][] x, double[][] xHat) =>
        xHat.Sum(b => Dot(b, b)) / x.Zip(xHat, Dot).Sum();

    /// <summary>1 − Σ‖x − x̂‖² / Σ‖x − μ‖², two-pass.</summary>
    public static double ExplainedVariance(double[][] x, double[][] xHat)
    {
        double[] mean = MeanRow(x);
        return 1 - x.Zip(xHat, SquaredDistance).Sum() / x.Sum(r => SquaredDistance(r, mean));
    }

    /// <summary>Per-row 1 − ‖x − x̂‖² / ‖x − μ_batch‖², summed over the rows of one batch.</summary>
    public static double LegacySum(double[][] x, double[][] xHat)
    {
        double[] mean = MeanRow(x);
        return x.Zip(xHat, (a, b) => 1 - SquaredDistance(a, b) / SquaredDistance(a, mean)).Sum();
    }

    /// <summary>log softmax of one row of logits.</summary>
    public static double[] LogSoftmax(double[] logits)
    {
        double max = logits.Max();
        double logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return [.. logits.Select(l => l - logSum)];
    }

    /// <summary>Mean next-token cross-entropy of logits [B][T][V] for ids [B][T].</summary>
    public static double CrossEntropy(double[][][] logits, long[][] ids)
    {
        double sum = 0;
        int count = 0;
        for (int b = 0; b < ids.Length; b++)
            for (int t = 0; t + 1 < ids[b].Length; t++)
            {
                sum -= LogSoftmax(logits[b][t])[ids[b][t + 1]];
                count++;
            }
        return sum / count;
    }

    /// <summary>Mean over all positions of KL(softmax(p) ‖ softmax(q)).</summary>
    public static double Kl(double[][][] p, double[][][] q)
    {
        double sum = 0;
        int count = 0;
        for (int b = 0; b < p.Length; b++)
            for (int t = 0; t < p[b].Length; t++)
            {
                double[] logP = LogSoftmax(p[b][t]), logQ = LogSoftmax(q[b][t]);
                for (int v = 0; v < logP.Length; v++) sum += Math.Exp(logP[v]) * (logP[v] - logQ[v]);
                count++;
            }
        return sum / count;
    }

    /// <summary>For each row, the largest cosine with another row.</summary>
    public static double[] MaxCosineToOthers(double[][] rows) =>
        [.. rows.Select((a, i) => rows.Where((_, j) => j != i).Max(b => Dot(a, b) / (Norm(a) * Norm(b))))];

    public static void Close(double expected, double actual, double relative = 1e-9, double absolute = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= absolute + relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");
}
