namespace SharpSight.Dictionaries.Tests.Reference;

/// <summary>Forward passes of the dictionary architectures in plain double arithmetic (arrays and loops).</summary>
internal static class RefMath
{
    public static double[][] Zeros(int rows, int cols) => [.. Enumerable.Range(0, rows).Select(_ => new double[cols])];

    public static double Relu(double v) => v > 0 ? v : 0;

    /// <summary>(x − b_dec·[apply]) W_enc [B, d_sae], without any encoder bias.</summary>
    public static double[][] Project(RefParams p, double[][] x, bool applyDecoderBias = true)
    {
        double[][] result = Zeros(x.Length, p.DSae);
        for (int b = 0; b < x.Length; b++)
            for (int i = 0; i < p.DSae; i++)
            {
                double sum = 0;
                for (int d = 0; d < p.DIn; d++) sum += (x[b][d] - (applyDecoderBias ? p["b_dec"][d] : 0)) * p.WEnc(d, i);
                result[b][i] = sum;
            }
        return result;
    }

    /// <summary>Project(x) + the named bias (b_enc, or b_gate for Gated).</summary>
    public static double[][] PreActivations(RefParams p, double[][] x, string bias = "b_enc", bool applyDecoderBias = true)
    {
        double[][] pre = Project(p, x, applyDecoderBias);
        foreach (double[] row in pre)
            for (int i = 0; i < p.DSae; i++) row[i] += p[bias][i];
        return pre;
    }

    /// <summary>π_mag = exp(r_mag) ⊙ Project(x) + b_mag.</summary>
    public static double[][] MagnitudePath(RefParams p, double[][] x, bool applyDecoderBias = true)
    {
        double[][] projected = Project(p, x, applyDecoderBias);
        foreach (double[] row in projected)
            for (int i = 0; i < p.DSae; i++) row[i] = Math.Exp(p["r_mag"][i]) * row[i] + p["b_mag"][i];
        return projected;
    }

    public static double[][] Map(double[][] values, Func<double, double> f) => [.. values.Select(row => row.Select(f).ToArray())];

    /// <summary>Σ_{i &lt; end} f_i W_dec,i (+ b_dec): the reconstruction from the first <paramref name="end"/> features.</summary>
    public static double[][] Decode(RefParams p, double[][] features, int? end = null, bool withBias = true, RefParams? decoderFrom = null)
    {
        RefParams dec = decoderFrom ?? p;
        int last = end ?? p.DSae;
        double[][] result = Zeros(features.Length, p.DIn);
        for (int b = 0; b < features.Length; b++)
            for (int d = 0; d < p.DIn; d++)
            {
                double sum = withBias ? dec["b_dec"][d] : 0;
                for (int i = 0; i < last; i++) sum += features[b][i] * dec.WDec(i, d);
                result[b][d] = sum;
            }
        return result;
    }

    /// <summary>Mean over rows of ‖a − b‖² (summed over the row).</summary>
    public static double SquaredError(double[][] a, double[][] b)
    {
        double total = 0;
        for (int r = 0; r < a.Length; r++)
            for (int d = 0; d < a[r].Length; d++) total += (a[r][d] - b[r][d]) * (a[r][d] - b[r][d]);
        return total / a.Length;
    }

    /// <summary>Keeps the k largest entries of each row (by sorting), zeroes the rest.</summary>
    public static double[][] KeepTopKPerRow(double[][] values, int k)
    {
        double[][] kept = Zeros(values.Length, values[0].Length);
        for (int b = 0; b < values.Length; b++)
            foreach (int i in Enumerable.Range(0, values[b].Length).OrderByDescending(i => values[b][i]).Take(k)) kept[b][i] = values[b][i];
        return kept;
    }

    /// <summary>Keeps the k·B largest entries of the whole batch (by sorting), zeroes the rest.</summary>
    public static double[][] KeepTopKOverBatch(double[][] values, int k)
    {
        int width = values[0].Length;
        double[][] kept = Zeros(values.Length, width);
        var order = Enumerable.Range(0, values.Length * width).OrderByDescending(j => values[j / width][j % width]).Take(k * values.Length);
        foreach (int j in order) kept[j / width][j % width] = values[j / width][j % width];
        return kept;
    }

    /// <summary>Sorted descending copy of all entries.</summary>
    public static double[] SortedDescending(IEnumerable<double> values) => [.. values.OrderByDescending(v => v)];

    /// <summary>Rectangle kernel K(u) = 1[|u| &lt; ½].</summary>
    public static double Rectangle(double u) => Math.Abs(u) < 0.5 ? 1 : 0;
}
