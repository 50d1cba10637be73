namespace SharpSight.Dictionaries.Tests.Reference;

/// <summary>Adam (Kingma and Ba, with bias correction, as torch.optim.Adam): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂/(√v̂ + ε).</summary>
internal sealed class RefAdam(double beta1, double beta2, double eps = 1e-8)
{
    private readonly Dictionary<string, double[]> _m = [], _v = [];

    public int Steps { get; private set; }

    public double[] FirstMoment(string name) => _m[name];

    public double[] SecondMoment(string name) => _v[name];

    public void Step(RefParams p, Dictionary<string, double[]> gradients, double learningRate)
    {
        Steps++;
        double correction1 = 1 - Math.Pow(beta1, Steps), correction2 = 1 - Math.Pow(beta2, Steps);
        foreach ((string name, double[] g) in gradients)
        {
            double[] m = _m.TryGetValue(name, out var existingM) ? existingM : _m[name] = new double[g.Length];
            double[] v = _v.TryGetValue(name, out var existingV) ? existingV : _v[name] = new double[g.Length];
            for (int j = 0; j < g.Length; j++)
            {
                m[j] = beta1 * m[j] + (1 - beta1) * g[j];
                v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
                p[name][j] -= learningRate * (m[j] / correction1) / (Math.Sqrt(v[j] / correction2) + eps);
            }
        }
    }
}

/// <summary>
/// One training step as dictionary_learning's constrained trainers take it: gradient of the loss; for a unit-norm decoder
/// the W_dec gradient projected off each row direction, g ← g − (g·ŵ)ŵ; global gradient-norm clipping,
/// g ← g·min(1, c/(‖g‖ + 1e-6)) over all trainable parameters together; Adam; rows renormalised to unit norm.
/// </summary>
internal static class RefTrainStep
{
    /// <returns>The global gradient norm before clipping, and the gradient Adam received.</returns>
    public static (double Norm, Dictionary<string, double[]> Gradient) Step(RefSettings s, RefParams p, double[][] x, RefAdam adam, double learningRate,
        double clipNorm, bool constrainDecoder, Func<RefSettings, RefParams, double[][], Dictionary<string, double[]>>? gradientOf = null)
    {
        Dictionary<string, double[]> g = (gradientOf ?? RefGradient.OfTotal)(s, p, x);
        if (constrainDecoder)
            for (int i = 0; i < p.DSae; i++)
            {
                double norm = p.DecoderNorm(i), along = 0;
                for (int d = 0; d < p.DIn; d++) along += g["W_dec"][i * p.DIn + d] * p.WDec(i, d) / norm;
                for (int d = 0; d < p.DIn; d++) g["W_dec"][i * p.DIn + d] -= along * p.WDec(i, d) / norm;
            }
        double total = Norm(g);
        if (clipNorm > 0)
        {
            double coefficient = clipNorm / (total + 1e-6);
            if (coefficient < 1)
                foreach (double[] values in g.Values)
                    for (int j = 0; j < values.Length; j++) values[j] *= coefficient;
        }
        adam.Step(p, g, learningRate);
        if (constrainDecoder)
            for (int i = 0; i < p.DSae; i++)
            {
                double norm = p.DecoderNorm(i);
                for (int d = 0; d < p.DIn; d++) p["W_dec"][i * p.DIn + d] /= norm;
            }
        return (total, g);
    }

    /// <summary>Global L2 norm of a gradient set.</summary>
    public static double Norm(Dictionary<string, double[]> g) => Math.Sqrt(g.Values.Sum(values => values.Sum(v => v * v)));
}
