namespace SharpSight.Dictionaries.Tests.Reference;

/// <summary>A tiny problem: parameters and a batch, both already rounded to float32.</summary>
internal sealed record RefCase(RefParams Params, double[][] X, int Seed);

/// <summary>
/// Seeded tiny problems. <see cref="Find"/> tries seeds in order until the caller's condition holds (typically: every
/// pre-activation, selection boundary and threshold lies well away from its kink), so the chosen point is deterministic
/// and finite differences are valid there.
/// </summary>
internal static class RefCases
{
    public static double[][] RandomBatch(Random rng, int rows, int dIn, double scale = 1.5) =>
        [.. Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, dIn).Select(_ => (double)(float)(scale * (2 * rng.NextDouble() - 1))).ToArray())];

    /// <summary>Uniform weights; decoder rows with norms in [0.5, 2] (deliberately not unit); small biases; JumpReLU θ = 0.2, BatchTopK θ unset (−1).</summary>
    public static RefParams RandomParams(Random rng, string architecture, int dIn, int dSae)
    {
        var p = new RefParams(dIn, dSae, RefParams.NamesOf(architecture));
        double U(double a) => a * (2 * rng.NextDouble() - 1);
        for (int j = 0; j < p["W_enc"].Length; j++) p["W_enc"][j] = U(1);
        for (int i = 0; i < dSae; i++)
        {
            double[] row = [.. Enumerable.Range(0, dIn).Select(_ => U(1))];
            double norm = Math.Sqrt(row.Sum(v => v * v)), target = 0.5 + 1.5 * rng.NextDouble();
            for (int d = 0; d < dIn; d++) p["W_dec"][i * dIn + d] = row[d] / norm * target;
        }
        for (int d = 0; d < dIn; d++) p["b_dec"][d] = U(0.3);
        foreach (string name in new[] { "b_enc", "b_gate", "b_mag" }.Where(p.Has))
            for (int i = 0; i < dSae; i++) p[name][i] = U(0.4);
        if (p.Has("r_mag"))
            for (int i = 0; i < dSae; i++) p["r_mag"][i] = U(0.5);
        if (p.Has("threshold"))
            for (int i = 0; i < dSae; i++) p["threshold"][i] = architecture == "batchtopk" ? -1 : 0.2; // BatchTopK: not learned yet
        return p;
    }

    /// <summary>The first seed from <paramref name="firstSeed"/> whose case satisfies <paramref name="accept"/> (after <paramref name="adjust"/>).</summary>
    public static RefCase Find(string architecture, int dIn, int dSae, int rows, Func<RefParams, double[][], bool> accept,
        Action<RefParams, double[][]>? adjust = null, int firstSeed = 1)
    {
        for (int seed = firstSeed; seed < firstSeed + 20000; seed++)
        {
            var rng = new Random(seed);
            RefParams p = RandomParams(rng, architecture, dIn, dSae);
            double[][] x = RandomBatch(rng, rows, dIn);
            adjust?.Invoke(p, x);
            p.RoundToFloat();
            if (accept(p, x)) return new RefCase(p, x, seed);
        }
        throw new InvalidOperationException("no seed satisfies the case's conditions");
    }

    /// <summary>Smallest |v| over a matrix.</summary>
    public static double MinAbs(double[][] values) => values.Min(row => row.Min(Math.Abs));

    /// <summary>Share of strictly positive entries.</summary>
    public static double PositiveShare(double[][] values) => values.Sum(row => row.Count(v => v > 0)) / (double)values.Sum(row => row.Length);

    /// <summary>Gap between the keep-th and (keep+1)-th largest values (∞ when there is no (keep+1)-th).</summary>
    public static double BoundaryGap(IEnumerable<double> values, int keep)
    {
        double[] sorted = RefMath.SortedDescending(values);
        return keep >= sorted.Length ? double.PositiveInfinity : sorted[keep - 1] - sorted[keep];
    }
}
