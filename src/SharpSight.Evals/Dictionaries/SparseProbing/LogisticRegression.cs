using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>How to fit a <see cref="LogisticRegression"/>.</summary>
public sealed record LogisticRegressionOptions
{
    /// <summary>Inverse regularisation strength, as in scikit-learn: the fit minimises C·Σ log-loss + ½‖w‖².</summary>
    public double C { get; init; } = 1.0;

    /// <summary>
    /// Stop when every component of the objective's gradient is at most this times C·N (N examples): the gradient of the
    /// mean log-loss plus penalty/(C·N), the quantity scikit-learn's lbfgs tests against its tol (1e-4 there).
    /// </summary>
    public double Tolerance { get; init; } = 1e-8;

    /// <summary>Newton steps at most.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>
    /// Up to this many features (after leaving out features that are zero on every example) each Newton step is solved
    /// exactly from the Hessian; above it, by preconditioned conjugate gradients on Hessian-vector products.
    /// </summary>
    public int DirectSolveLimit { get; init; } = 512;

    /// <summary>Conjugate-gradient steps at most per Newton step (bounds the cost of fits on many features).</summary>
    public int MaxConjugateGradientSteps { get; init; } = 200;

    internal void Validate()
    {
        if (!(C > 0) || double.IsInfinity(C)) throw new ArgumentException($"C must be positive and finite, got {C}");
        if (!(Tolerance > 0)) throw new ArgumentException($"tolerance must be positive, got {Tolerance}");
        if (MaxIterations < 1) throw new ArgumentException($"max iterations must be at least 1, got {MaxIterations}");
        if (MaxConjugateGradientSteps < 1) throw new ArgumentException($"max conjugate-gradient steps must be at least 1, got {MaxConjugateGradientSteps}");
    }
}

/// <summary>
/// Binary logistic regression with an L2 penalty in scikit-learn's convention: minimises
/// C·Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + ½‖w‖² with zᵢ = w·xᵢ + b; the bias is not penalised and features are not standardised
/// (SAEBench's sparse probes: LogisticRegression(penalty="l2", C=1)). Fitted to convergence by damped Newton steps in
/// float64, so the result does not depend on an optimiser's schedule.
/// </summary>
public sealed class LogisticRegression
{
    private LogisticRegression(double[] weights, double bias, int iterations, int conjugateGradientSteps, bool converged, double gradientNorm)
    {
        ConjugateGradientSteps = conjugateGradientSteps;
        Weights = weights;
        Bias = bias;
        Iterations = iterations;
        Converged = converged;
        GradientNorm = gradientNorm;
    }

    /// <summary>w, one per input feature.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>b.</summary>
    public double Bias { get; }

    /// <summary>Newton steps taken.</summary>
    public int Iterations { get; }

    /// <summary>Conjugate-gradient steps taken over all Newton steps (0 when every step was solved exactly).</summary>
    public int ConjugateGradientSteps { get; }

    /// <summary>Whether the gradient met the tolerance within the step budget.</summary>
    public bool Converged { get; }

    /// <summary>Largest absolute component of the objective's gradient at the returned parameters.</summary>
    public double GradientNorm { get; }

    /// <summary>Fits features [N, d] to labels [N] of 0 / 1 (any numeric or bool dtype).</summary>
    public static LogisticRegression Fit(Tensor features, Tensor labels, LogisticRegressionOptions? options = null)
    {
        options ??= new LogisticRegressionOptions();
        options.Validate();
        if (features.dim() != 2) throw new ArgumentException($"features must be [examples, d], got [{string.Join(", ", features.shape)}]");
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"labels must be [examples] with {features.shape[0]} examples, got [{string.Join(", ", labels.shape)}]");
        if (features.shape[0] == 0) throw new ArgumentException("features: need at least one example");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // (Tensor-scalar operators are avoided here and in the solver: see NewtonSolver.)
        Tensor x = features.detach().to(ScalarType.Float64, CPU).contiguous();
        double[] y = labels.detach().to(ScalarType.Float64, CPU).data<double>().ToArray();
        if (y.Any(v => v is not (0 or 1))) throw new ArgumentException("labels must be 0 or 1");
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("features must be finite");

        // A feature that is zero on every example has gradient wⱼ, so its optimal weight is exactly 0: leave it out.
        long d = x.shape[1];
        long[] active = x.count_nonzero([0L]).nonzero().view(-1).data<long>().ToArray();
        Tensor xActive = active.Length == d ? x : x.index_select(1, tensor(active));
        var solver = new NewtonSolver(xActive, y, options);
        (double[] activeWeights, double bias) = solver.Solve();

        var weights = new double[d];
        for (int i = 0; i < active.Length; i++) weights[active[i]] = activeWeights[i];
        return new LogisticRegression(weights, bias, solver.Iterations, solver.ConjugateGradientSteps, solver.Converged, solver.GradientNorm);
    }

    /// <summary>Decision values z = x·w + b [N] (float64) of features [N, d].</summary>
    public Tensor DecisionFunction(Tensor features) => tensor(Decisions(features));

    /// <summary>Predicted labels [N] (bool): true where the decision value is positive, as scikit-learn's predict.</summary>
    public Tensor Predict(Tensor features) => tensor(Decisions(features).Select(z => z > 0).ToArray());

    /// <summary>Share of examples whose predicted label equals <paramref name="labels"/> [N] (0 / 1).</summary>
    public double Accuracy(Tensor features, Tensor labels)
    {
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"labels must be [examples] with {features.shape[0]} examples, got [{string.Join(", ", labels.shape)}]");
        if (labels.shape[0] == 0) throw new ArgumentException("labels: need at least one example");
        double[] z = Decisions(features);
        double[] y;
        using (Tensor asDouble = labels.detach().to(ScalarType.Float64, CPU)) y = asDouble.data<double>().ToArray();
        return z.Where((value, i) => value > 0 == y[i] > 0.5).Count() / (double)z.Length;
    }

    private double[] Decisions(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Weights.Count)
            throw new ArgumentException($"features must be [examples, {Weights.Count}], got [{string.Join(", ", features.shape)}]");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor w = tensor(Weights.ToArray(), ScalarType.Float64);
        double[] z = features.detach().to(ScalarType.Float64, CPU).mv(w).data<double>().ToArray();
        for (int i = 0; i < z.Length; i++) z[i] += Bias;
        return z;
    }

    /// <summary>
    /// Damped Newton's method on the convex objective. Each step solves H Δ = −g, exactly (small d) or by Jacobi-preconditioned
    /// conjugate gradients with a forcing term that tightens as the gradient shrinks (truncated Newton); a backtracking
    /// (Armijo) line search keeps every step a descent step. Vectors are plain float64 arrays and only whole-matrix products
    /// go through tensors: TorchSharp's implicit tensor-scalar operators hand libtorch a Scalar that the finalizer may free
    /// mid-call (no GC.KeepAlive in 0.107), which this allocation-heavy loop provoked.
    /// </summary>
    private sealed class NewtonSolver(Tensor x, double[] y, LogisticRegressionOptions options)
    {
        private readonly int _n = (int)x.shape[0], _d = (int)x.shape[1];
        private readonly double _c = options.C;
        private readonly DesignMatrix _matrix = DesignMatrix.Create(x);

        public int Iterations { get; private set; }

        public int ConjugateGradientSteps { get; private set; }

        public bool Converged { get; private set; }

        public double GradientNorm { get; private set; }

        private bool Direct => _d <= options.DirectSolveLimit;

        // The bias's curvature C·Σs vanishes only when every p is 0 or 1; a tiny ridge there keeps the system solvable. It
        // changes the step, never the optimum.
        private double BiasRidge => 1e-12 * Math.Max(1, _c * _n);

        public (double[] Weights, double Bias) Solve()
        {
            var w = new double[_d];
            double b = 0;
            double threshold = options.Tolerance * _c * _n;
            double firstNorm = double.NaN;
            for (int iteration = 0; ; iteration++)
            {
                double[] z = Margins(w, b);
                double[] p = [.. z.Select(Sigmoid)];
                double[] residual = [.. p.Select((pi, i) => pi - y[i])];
                double[] gw = _matrix.TransposeTimes(residual);
                for (int j = 0; j < _d; j++) gw[j] = _c * gw[j] + w[j];
                double gb = _c * residual.Sum();
                GradientNorm = Math.Max(gw.Length == 0 ? 0 : gw.Max(Math.Abs), Math.Abs(gb));
                if (double.IsNaN(firstNorm)) firstNorm = Math.Max(GradientNorm, double.Epsilon);
                Iterations = iteration;
                if (GradientNorm <= threshold)
                {
                    Converged = true;
                    break;
                }
                if (iteration == options.MaxIterations) break;

                double[] s = [.. p.Select(pi => pi * (1 - pi))];
                (double[] dw, double db) = Direct
                    ? DirectStep(s, gw, gb)
                    : ConjugateGradientStep(s, gw, gb, Math.Min(0.5, Math.Sqrt(GradientNorm / firstNorm)));
                double slope = Dot(gw, dw) + gb * db;
                if (!(slope < 0)) break;                 // no descent direction left: at the precision floor

                // Backtracking: halve the step until it decreases the objective enough (Armijo).
                double current = Objective(z, w);
                double t = 1;
                double[] trial = new double[_d];
                while (t > 1e-12)
                {
                    for (int j = 0; j < _d; j++) trial[j] = w[j] + t * dw[j];
                    if (Objective(Margins(trial, b + t * db), trial) <= current + 1e-4 * t * slope) break;
                    t /= 2;
                }
                if (t <= 1e-12) break;
                w = trial;
                b += t * db;
            }
            return (w, b);
        }

        private double[] Margins(double[] w, double b)
        {
            double[] z = _matrix.Times(w);
            for (int i = 0; i < _n; i++) z[i] += b;
            return z;
        }

        // C·Σ [log(1 + e^z) − y z] + ½‖w‖², with log(1 + e^z) computed without overflow.
        private double Objective(double[] z, double[] w)
        {
            double loss = 0;
            for (int i = 0; i < _n; i++) loss += (z[i] > 0 ? z[i] + Math.Log(1 + Math.Exp(-z[i])) : Math.Log(1 + Math.Exp(z[i]))) - y[i] * z[i];
            return _c * loss + 0.5 * Dot(w, w);
        }

        // H = C·[X 1]ᵀ S [X 1] + diag(1, …, 1, 0), formed and solved by libtorch (tensor-tensor operations only).
        private (double[] Dw, double Db) DirectStep(double[] s, double[] gw, double gb)
        {
            using var scope = NewDisposeScope();
            Tensor design = cat([x, ones(_n, 1, ScalarType.Float64)], 1);
            Tensor weights = tensor(s.Select(si => _c * si).ToArray()).unsqueeze(1);
            double[] hessian = design.t().mm(design.mul(weights)).contiguous().data<double>().ToArray();
            for (int j = 0; j < _d; j++) hessian[j * (_d + 1) + j] += 1;
            hessian[_d * (_d + 1) + _d] += BiasRidge;
            double[] rhs = [.. gw.Select(g => -g), -gb];
            double[] direction = linalg.solve(tensor(hessian, [_d + 1, _d + 1]), tensor(rhs)).data<double>().ToArray();
            return (direction[.._d], direction[_d]);
        }

        // Solves H v = −g approximately: preconditioned conjugate gradients on H·v = C·[X 1]ᵀ(s ⊙ (X vw + vb)) + (vw, 0),
        // with H's diagonal as preconditioner, until the residual is below forcing·‖g‖.
        private (double[] Dw, double Db) ConjugateGradientStep(double[] s, double[] gw, double gb, double forcing)
        {
            double[] preconditionW = _matrix.SquaresTransposeTimes(s);
            for (int j = 0; j < _d; j++) preconditionW[j] = _c * preconditionW[j] + 1;
            double preconditionB = _c * s.Sum() + BiasRidge;

            var vw = new double[_d];
            double vb = 0;
            double[] rw = [.. gw.Select(g => -g)];
            double rb = -gb;
            double[] pw = [.. rw.Select((r, j) => r / preconditionW[j])];
            double pb = rb / preconditionB;
            double rz = Dot(rw, pw) + rb * pb;
            double target = forcing * Math.Sqrt(Dot(gw, gw) + gb * gb);
            var weighted = new double[_n];
            for (int k = 0; k < options.MaxConjugateGradientSteps; k++)
            {
                ConjugateGradientSteps++;
                double[] xp = _matrix.Times(pw);
                for (int i = 0; i < _n; i++) weighted[i] = s[i] * (xp[i] + pb);
                double[] hw = _matrix.TransposeTimes(weighted);
                for (int j = 0; j < _d; j++) hw[j] = _c * hw[j] + pw[j];
                double hb = _c * weighted.Sum();
                double curvature = Dot(pw, hw) + pb * hb;
                if (!(curvature > 0)) break;
                double alpha = rz / curvature;
                for (int j = 0; j < _d; j++)
                {
                    vw[j] += alpha * pw[j];
                    rw[j] -= alpha * hw[j];
                }
                vb += alpha * pb;
                rb -= alpha * hb;
                if (Math.Sqrt(Dot(rw, rw) + rb * rb) <= target) break;
                double zb = rb / preconditionB;
                double rzNext = zb * rb;
                for (int j = 0; j < _d; j++) rzNext += rw[j] * rw[j] / preconditionW[j];
                double beta = rzNext / rz;
                rz = rzNext;
                for (int j = 0; j < _d; j++) pw[j] = rw[j] / preconditionW[j] + beta * pw[j];
                pb = zb + beta * pb;
            }
            return (vw, vb);
        }

        private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

        private static double Dot(double[] a, double[] b)
        {
            double sum = 0;
            for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
            return sum;
        }
    }
}
