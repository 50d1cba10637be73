using static SharpSight.Dictionaries.Tests.Reference.RefMath;

namespace SharpSight.Dictionaries.Tests.Reference;

/// <summary>Gradients of the reference losses: central finite differences, hand-derived backprop, and JumpReLU's straight-through estimators.</summary>
internal static class RefGradient
{
    /// <summary>
    /// Central differences in float64 of <paramref name="term"/> with respect to every trainable parameter; detached
    /// quantities stay at the evaluation point. Valid away from kinks (callers choose well-separated points).
    /// </summary>
    public static Dictionary<string, double[]> FiniteDifference(RefSettings s, RefParams p, double[][] x, Func<RefTerms, double> term, double h = 1e-6)
    {
        var gradient = new Dictionary<string, double[]>();
        foreach (string name in s.Trainable(p))
        {
            double[] g = new double[p[name].Length];
            for (int j = 0; j < g.Length; j++)
            {
                RefParams plus = p.Clone(), minus = p.Clone();
                plus[name][j] += h;
                minus[name][j] -= h;
                g[j] = (term(RefLoss.Evaluate(s, plus, x, detachedAt: p)) - term(RefLoss.Evaluate(s, minus, x, detachedAt: p))) / (2 * h);
            }
            gradient[name] = g;
        }
        return gradient;
    }

    /// <summary>The gradient of the total loss as the library should compute it: finite differences, except JumpReLU's θ (straight-through).</summary>
    public static Dictionary<string, double[]> OfTotal(RefSettings s, RefParams p, double[][] x)
    {
        Dictionary<string, double[]> gradient = FiniteDifference(s, p, x, t => t.Total);
        if (s.Method == RefMethod.JumpRelu) gradient["threshold"] = JumpReluThreshold(s, p, x);
        return gradient;
    }

    /// <summary>
    /// Hand-derived backprop of the ReLU losses (Standard, April, p-annealing). With r = x̂ − x and B rows:
    /// ∂L/∂x̂ = 2r/B; ∂L/∂W_dec[i,d] = Σ_b f_bi ∂L/∂x̂_bd (+ April: λ·(Σ_b f_bi/B)·W_dec[i,d]/‖W_dec,i‖);
    /// ∂L/∂f_bi = Σ_d ∂L/∂x̂_bd W_dec[i,d] + λ·∂S/∂f_bi; ∂L/∂pre = ∂L/∂f·1[pre &gt; 0];
    /// ∂L/∂W_enc[d,i] = Σ_b (x − b_dec)_bd ∂L/∂pre_bi; ∂L/∂b_enc = Σ_b ∂L/∂pre; ∂L/∂b_dec = Σ_b ∂L/∂x̂ − W_enc ∂L/∂pre.
    /// </summary>
    public static Dictionary<string, double[]> ReluAnalytic(RefSettings s, RefParams p, double[][] x)
    {
        int rows = x.Length;
        double[][] pre = PreActivations(p, x);
        double[][] f = Map(pre, RefMath.Relu);
        double[][] xHat = Decode(p, f);
        double[] gEnc = new double[p.DIn * p.DSae], gDec = new double[p.DSae * p.DIn], gBEnc = new double[p.DSae], gBDec = new double[p.DIn];
        for (int b = 0; b < rows; b++)
        {
            double[] dxHat = [.. Enumerable.Range(0, p.DIn).Select(d => 2 * (xHat[b][d] - x[b][d]) / rows)];
            double rowPower = f[b].Sum(v => Math.Pow(v, s.P));
            for (int d = 0; d < p.DIn; d++) gBDec[d] += dxHat[d];
            for (int i = 0; i < p.DSae; i++)
            {
                for (int d = 0; d < p.DIn; d++) gDec[i * p.DIn + d] += f[b][i] * dxHat[d];
                double df = 0;
                for (int d = 0; d < p.DIn; d++) df += dxHat[d] * p.WDec(i, d);
                if (f[b][i] > 0)
                    df += s.Lambda / rows * s.Method switch
                    {
                        RefMethod.Standard => 1.0,
                        RefMethod.April => p.DecoderNorm(i),
                        _ => s.P * Math.Pow(f[b][i], s.P - 1) * (s.LpRoot ? Math.Pow(rowPower, 1 / s.P - 1) / s.P : 1.0),
                    };
                double dPre = pre[b][i] > 0 ? df : 0;
                gBEnc[i] += dPre;
                for (int d = 0; d < p.DIn; d++)
                {
                    gEnc[d * p.DSae + i] += (x[b][d] - p["b_dec"][d]) * dPre;
                    gBDec[d] -= p.WEnc(d, i) * dPre;
                }
            }
        }
        if (s.Method == RefMethod.April)
            for (int i = 0; i < p.DSae; i++)
            {
                double meanF = f.Sum(row => row[i]) / rows, norm = p.DecoderNorm(i);
                for (int d = 0; d < p.DIn; d++) gDec[i * p.DIn + d] += s.Lambda * meanF * p.WDec(i, d) / norm;
            }
        return new() { ["W_enc"] = gEnc, ["W_dec"] = gDec, ["b_enc"] = gBEnc, ["b_dec"] = gBDec };
    }

    /// <summary>
    /// ∂L/∂θ by the JumpReLU paper's pseudo-derivatives: ∂f/∂θ = −(θ/ε)K((pre − θ)/ε) and ∂step/∂θ = −(1/ε)K((pre − θ)/ε),
    /// K the rectangle. ∂L/∂f_bi = (2/B) Σ_d (x̂ − x)_bd W_dec[i,d] (+ tanh: λ(1/B)c‖W_dec,i‖(1 − tanh²(c f_bi ‖W_dec,i‖))).
    /// The penalty's step part: λ·∂L0/∂θ (step) or λ·2(L0/T − 1)/T·∂L0/∂θ (L0 target), ∂L0/∂θᵢ = (1/B) Σ_b ∂step_bi/∂θᵢ.
    /// </summary>
    public static double[] JumpReluThreshold(RefSettings s, RefParams p, double[][] x)
    {
        int rows = x.Length;
        double eps = s.Bandwidth;
        RefTerms terms = RefLoss.Evaluate(s, p, x);
        double[][] pre = PreActivations(p, x, applyDecoderBias: s.ApplyDecoderBias);
        double[][] f = terms.Features;
        double[][] xHat = Decode(p, f);
        double l0 = pre.Sum(row => row.Select((v, i) => v > p["threshold"][i] ? 1.0 : 0.0).Sum()) / rows;
        double stepFactor = s.JumpPenalty switch
        {
            RefJumpPenalty.Step => 1,
            RefJumpPenalty.L0Target => 2 * (l0 / s.TargetL0 - 1) / s.TargetL0,
            _ => 0,
        };
        double[] gradient = new double[p.DSae];
        for (int i = 0; i < p.DSae; i++)
        {
            double theta = p["threshold"][i], norm = p.DecoderNorm(i);
            for (int b = 0; b < rows; b++)
            {
                double kernel = Rectangle((pre[b][i] - theta) / eps);
                if (kernel == 0) continue;
                double df = 0;
                for (int d = 0; d < p.DIn; d++) df += 2 * (xHat[b][d] - x[b][d]) / rows * p.WDec(i, d);
                if (s.JumpPenalty == RefJumpPenalty.Tanh)
                {
                    double t = Math.Tanh(s.TanhScale * f[b][i] * norm);
                    df += s.Lambda / rows * s.TanhScale * norm * (1 - t * t);
                }
                gradient[i] += df * (-(theta / eps) * kernel) + s.Lambda * stepFactor / rows * (-(1 / eps) * kernel);
            }
        }
        return gradient;
    }
}
