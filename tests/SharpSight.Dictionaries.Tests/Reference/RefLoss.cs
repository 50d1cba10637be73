using static SharpSight.Dictionaries.Tests.Reference.RefMath;

namespace SharpSight.Dictionaries.Tests.Reference;

internal enum RefMethod { Standard, April, PAnneal, TopK, BatchTopK, Matryoshka, JumpRelu, Gated }

internal enum RefJumpPenalty { L0Target, Step, Tanh }

/// <summary>Everything a reference loss needs, spelled out (no defaults shared with the library).</summary>
internal sealed record RefSettings
{
    public required RefMethod Method { get; init; }
    public bool ApplyDecoderBias { get; init; } = true;
    /// <summary>λ (already multiplied by any warmup scale).</summary>
    public double Lambda { get; init; }
    /// <summary>p-annealing exponent and form (true: (Σ fᵖ)^(1/p), false: Σ fᵖ).</summary>
    public double P { get; init; } = 1;
    public bool LpRoot { get; init; }
    public int K { get; init; }
    public double AuxAlpha { get; init; }
    /// <summary>Features counted dead by AuxK (null: none).</summary>
    public bool[]? Dead { get; init; }
    public int KAux { get; init; }
    public int[]? Groups { get; init; }
    public double[]? Weights { get; init; }
    public RefJumpPenalty JumpPenalty { get; init; }
    public double Bandwidth { get; init; }
    public double TargetL0 { get; init; }
    public double TanhScale { get; init; }

    /// <summary>Parameters the optimiser trains (BatchTopK's threshold is not trained).</summary>
    public IEnumerable<string> Trainable(RefParams p) =>
        p.Names.Where(n => !(n == "threshold" && Method is RefMethod.BatchTopK or RefMethod.Matryoshka));
}

/// <summary>The loss terms of one batch. Sparsity and Auxiliary are before their coefficients; Prefix holds Matryoshka's per-prefix losses.</summary>
internal sealed record RefTerms(double Total, double Reconstruction, double Sparsity, double Auxiliary, double[][] Features, double[] Prefix);

/// <summary>
/// The published losses (dictionary_learning trainers, SAELens, the papers), step by step in double arithmetic.
/// Stop-gradients are modelled by <c>detachedAt</c>: every detached quantity is computed from those parameters, so a
/// finite difference that perturbs <c>p</c> but not <c>detachedAt</c> differentiates exactly what autograd would.
/// </summary>
internal static class RefLoss
{
    public static RefTerms Evaluate(RefSettings s, RefParams p, double[][] x, RefParams? detachedAt = null)
    {
        RefParams frozen = detachedAt ?? p;
        return s.Method switch
        {
            RefMethod.Standard or RefMethod.April or RefMethod.PAnneal => Relu(s, p, x),
            RefMethod.TopK or RefMethod.BatchTopK or RefMethod.Matryoshka => TopKFamily(s, p, x, frozen),
            RefMethod.JumpRelu => JumpRelu(s, p, x),
            RefMethod.Gated => Gated(s, p, x, frozen),
            _ => throw new ArgumentException(s.Method.ToString()),
        };
    }

    /// <summary>L = ‖x − x̂‖² + λ·S with S = ‖f‖₁ (Standard), Σ fᵢ‖W_dec,i‖ (April) or Σ fᵢᵖ / (Σ fᵢᵖ)^(1/p) (p-annealing), batch means.</summary>
    private static RefTerms Relu(RefSettings s, RefParams p, double[][] x)
    {
        double[][] f = Map(PreActivations(p, x, applyDecoderBias: s.ApplyDecoderBias), RefMath.Relu);
        double reconstruction = SquaredError(x, Decode(p, f));
        double sparsity = 0;
        foreach (double[] row in f)
        {
            double rowSum = 0;
            for (int i = 0; i < p.DSae; i++)
                rowSum += s.Method switch
                {
                    RefMethod.Standard => Math.Abs(row[i]),
                    RefMethod.April => row[i] * p.DecoderNorm(i),
                    _ => Math.Pow(row[i], s.P),
                };
            sparsity += s.Method == RefMethod.PAnneal && s.LpRoot ? Math.Pow(rowSum, 1 / s.P) : rowSum;
        }
        sparsity /= x.Length;
        return new RefTerms(reconstruction + s.Lambda * sparsity, reconstruction, sparsity, 0, f, []);
    }

    /// <summary>
    /// TopK / BatchTopK / Matryoshka: f keeps the k largest of ReLU(pre) per row (or k·B over the batch);
    /// L = Σᵢ wᵢ‖x − (b_dec + f₁..ᵢW₁..ᵢ)‖² (one prefix = the plain squared error) + α·AuxK, where
    /// AuxK = mean‖e − f_aux W_dec‖² / mean‖e − ē‖², e = x − x̂ detached, f_aux the k_aux largest ReLU(pre) of dead features per row.
    /// </summary>
    private static RefTerms TopKFamily(RefSettings s, RefParams p, double[][] x, RefParams frozen)
    {
        double[][] Active(RefParams q) => Map(PreActivations(q, x, applyDecoderBias: s.ApplyDecoderBias), RefMath.Relu);
        double[][] Select(double[][] active) => s.Method == RefMethod.TopK ? KeepTopKPerRow(active, s.K) : KeepTopKOverBatch(active, s.K);

        double[][] active = Active(p);
        double[][] f = Select(active);
        double reconstruction = SquaredError(x, Decode(p, f));
        int[] groups = s.Method == RefMethod.Matryoshka ? s.Groups! : [p.DSae];
        double[] weights = s.Method == RefMethod.Matryoshka ? s.Weights! : [1.0];
        double[] prefix = new double[groups.Length];
        double fit = 0;
        for (int g = 0, end = 0; g < groups.Length; g++)
        {
            end += groups[g];
            prefix[g] = SquaredError(x, Decode(p, f, end));
            fit += weights[g] * prefix[g];
        }

        double auxiliary = 0;
        if (s.Dead is { } dead && dead.Any(v => v))
        {
            // The residual is detached: computed from the frozen parameters.
            double[][] fFrozen = Select(Active(frozen));
            double[][] xHatFrozen = Decode(frozen, fFrozen);
            double[][] e = [.. x.Select((row, b) => row.Select((v, d) => v - xHatFrozen[b][d]).ToArray())];
            int kAux = Math.Min(s.KAux, dead.Count(v => v));
            double[][] auxFeatures = Zeros(x.Length, p.DSae);
            for (int b = 0; b < x.Length; b++)
                foreach (int i in Enumerable.Range(0, p.DSae).Where(i => dead[i]).OrderByDescending(i => active[b][i]).Take(kAux))
                    auxFeatures[b][i] = active[b][i];
            double error = SquaredError(e, Decode(p, auxFeatures, withBias: false));
            double[] mean = [.. Enumerable.Range(0, p.DIn).Select(d => e.Average(row => row[d]))];
            double scale = SquaredError(e, [.. e.Select(_ => mean)]);
            auxiliary = error / scale;
        }
        return new RefTerms(fit + s.AuxAlpha * auxiliary, reconstruction, 0, auxiliary, f, prefix);
    }

    /// <summary>
    /// JumpReLU: f = ReLU(pre)·1[pre &gt; θ]; L = ‖x − x̂‖² + λ·S, S = (L0/T − 1)², L0, or Σ tanh(c·fᵢ‖W_dec,i‖) (batch mean),
    /// L0 = mean over rows of Σᵢ 1[preᵢ &gt; θᵢ].
    /// </summary>
    private static RefTerms JumpRelu(RefSettings s, RefParams p, double[][] x)
    {
        double[][] pre = PreActivations(p, x, applyDecoderBias: s.ApplyDecoderBias);
        double[][] f = Zeros(x.Length, p.DSae);
        double l0 = 0, tanhSum = 0;
        for (int b = 0; b < x.Length; b++)
            for (int i = 0; i < p.DSae; i++)
            {
                bool open = pre[b][i] > p["threshold"][i];
                f[b][i] = open ? RefMath.Relu(pre[b][i]) : 0;
                if (open) l0++;
                tanhSum += Math.Tanh(s.TanhScale * f[b][i] * p.DecoderNorm(i));
            }
        l0 /= x.Length;
        tanhSum /= x.Length;
        double reconstruction = SquaredError(x, Decode(p, f));
        double sparsity = s.JumpPenalty switch
        {
            RefJumpPenalty.L0Target => (l0 / s.TargetL0 - 1) * (l0 / s.TargetL0 - 1),
            RefJumpPenalty.Step => l0,
            _ => tanhSum,
        };
        return new RefTerms(reconstruction + s.Lambda * sparsity, reconstruction, sparsity, 0, f, []);
    }

    /// <summary>
    /// Gated: f = 1[π_gate &gt; 0]·ReLU(π_mag); L = ‖x − x̂‖² + λ·‖ReLU(π_gate)‖₁ + ‖x − (ReLU(π_gate) W_dec + b_dec)‖²,
    /// the last term with W_dec and b_dec detached (the encoder input x − b_dec is not detached).
    /// </summary>
    private static RefTerms Gated(RefSettings s, RefParams p, double[][] x, RefParams frozen)
    {
        double[][] gate = PreActivations(p, x, "b_gate", s.ApplyDecoderBias);
        double[][] magnitude = MagnitudePath(p, x, s.ApplyDecoderBias);
        double[][] f = Zeros(x.Length, p.DSae);
        for (int b = 0; b < x.Length; b++)
            for (int i = 0; i < p.DSae; i++) f[b][i] = gate[b][i] > 0 ? RefMath.Relu(magnitude[b][i]) : 0;
        double[][] gateActive = Map(gate, RefMath.Relu);
        double reconstruction = SquaredError(x, Decode(p, f));
        double sparsity = gateActive.Sum(row => row.Sum()) / x.Length;
        double auxiliary = SquaredError(x, Decode(p, gateActive, decoderFrom: frozen));
        return new RefTerms(reconstruction + s.Lambda * sparsity + auxiliary, reconstruction, sparsity, auxiliary, f, []);
    }
}
