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
    private LogisticRegression(double[] weights, double bias, int iterations, bool converged, double gradientNorm)
    {
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
        Tensor x = features.detach().to(ScalarType.Float64, CPU);
        Tensor y = labels.detach().to(ScalarType.Float64, CPU);
        if (!y.eq(0).logical_or(y.eq(1)).all().item<bool>()) throw new ArgumentException("labels must be 0 or 1");
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("features must be finite");

        // A feature that is zero on every example has gradient wⱼ, so its optimal weight is exactly 0: leave it out.
        long d = x.shape[1];
        long[] active = x.ne(0).any(0L).nonzero().view(-1).data<long>().ToArray();
        Tensor xActive = active.Length == d ? x : x.index_select(1, tensor(active));
        var solver = new NewtonSolver(xActive, y, options);
        (double[] activeWeights, double bias) = solver.Solve();

        var weights = new double[d];
        for (int i = 0; i < active.Length; i++) weights[active[i]] = activeWeights[i];
        return new LogisticRegression(weights, bias, solver.Iterations, solver.Converged, solver.GradientNorm);
    }

    /// <summary>Decision values z = x·w + b [N] (float64) of features [N, d].</summary>
    public Tensor DecisionFunction(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Weights.Count)
            throw new ArgumentException($"features must be [examples, {Weights.Count}], got [{string.Join(", ", features.shape)}]");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor w = tensor(Weights.ToArray(), ScalarType.Float64);
        return (features.detach().to(ScalarType.Float64, CPU).mv(w) + Bias).MoveToOuterDisposeScope();
    }

    /// <summary>Predicted labels [N] (bool): true where the decision value is positive, as scikit-learn's predict.</summary>
    public Tensor Predict(Tensor features)
    {
        using Tensor z = DecisionFunction(features);
        return z.gt(0);
    }

    /// <summary>Share of examples whose predicted label equals <paramref name="labels"/> [N] (0 / 1).</summary>
    public double Accuracy(Tensor features, Tensor labels)
    {
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"labels must be [examples] with {features.shape[0]} examples, got [{string.Join(", ", labels.shape)}]");
        if (labels.shape[0] == 0) throw new ArgumentException("labels: need at least one example");
        using var scope = NewDisposeScope();
        Tensor predicted = Predict(features);
        return predicted.eq(labels.to(ScalarType.Float64, CPU).gt(0.5)).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// Damped Newton's method on the convex objective. Each step solves H Δ = −g, exactly (small d) or by Jacobi-preconditioned
    /// conjugate gradients with a forcing term that tightens as the gradient shrinks (truncated Newton); a backtracking
    /// (Armijo) line search keeps every step a descent step.
    /// </summary>
    private sealed class NewtonSolver(Tensor x, Tensor y, LogisticRegressionOptions options)
    {
        private readonly long _n = x.shape[0], _d = x.shape[1];
        private readonly double _c = options.C;
        private readonly bool _direct = x.shape[1] <= options.DirectSolveLimit;
        private Tensor? _design;                         // [X 1], for the exact Hessian
        private Tensor? _xSquared;                       // X², for the preconditioner's diagonal

        public int Iterations { get; private set; }

        public bool Converged { get; private set; }

        public double GradientNorm { get; private set; }

        // Runs inside the caller's dispose scope; each Newton step's temporaries die with the step.
        public (double[] Weights, double Bias) Solve()
        {
            if (_direct) _design = cat([x, ones(_n, 1, ScalarType.Float64)], 1);
            else _xSquared = x.square();
            Tensor w = zeros(_d, ScalarType.Float64);
            double b = 0;
            double threshold = options.Tolerance * _c * _n;
            double firstNorm = double.NaN;
            for (int iteration = 0; ; iteration++)
            {
                using var step = NewDisposeScope();
                Tensor z = Margins(w, b);
                Tensor p = z.sigmoid();
                Tensor residual = p - y;
                Tensor gw = _c * x.t().mv(residual) + w;
                double gb = _c * residual.sum().item<double>();
                GradientNorm = Math.Max(gw.abs().max().item<double>(), Math.Abs(gb));
                if (double.IsNaN(firstNorm)) firstNorm = Math.Max(GradientNorm, double.Epsilon);
                Iterations = iteration;
                if (GradientNorm <= threshold)
                {
                    Converged = true;
                    break;
                }
                if (iteration == options.MaxIterations) break;

                Tensor s = p * (1 - p);
                (Tensor dw, double db) = _direct
                    ? DirectStep(s, gw, gb)
                    : ConjugateGradientStep(s, gw, gb, Math.Min(0.5, Math.Sqrt(GradientNorm / firstNorm)));
                double slope = gw.dot(dw).item<double>() + gb * db;
                if (!(slope < 0)) break;                 // no descent direction left: at the precision floor

                // Backtracking: halve the step until it decreases the objective enough (Armijo).
                double current = Objective(z, w);
                double t = 1;
                while (t > 1e-12 && Objective(Margins(w + t * dw, b + t * db), w + t * dw) > current + 1e-4 * t * slope) t /= 2;
                if (t <= 1e-12) break;
                w.add_(dw, t);
                b += t * db;
            }
            return (w.data<double>().ToArray(), b);
        }

        private Tensor Margins(Tensor w, double b) => x.mv(w) + b;

        private double Objective(Tensor z, Tensor w) =>
            _c * (nn.functional.softplus(z) - y * z).sum().item<double>() + 0.5 * w.dot(w).item<double>();

        // The bias's curvature C·Σs vanishes only when every p is 0 or 1; a tiny ridge there keeps the system solvable. It
        // changes the step, never the optimum.
        private double BiasRidge => 1e-12 * Math.Max(1, _c * _n);

        // H = C·[X 1]ᵀ S [X 1] + diag(1, …, 1, 0).
        private (Tensor Dw, double Db) DirectStep(Tensor s, Tensor gw, double gb)
        {
            Tensor hessian = _c * _design!.t().mm(_design! * s.unsqueeze(1));
            hessian.add_(cat([ones(_d, ScalarType.Float64), tensor(new[] { BiasRidge })]).diag());
            Tensor direction = linalg.solve(hessian, cat([gw, tensor(new[] { gb })]).neg());
            return (direction.narrow(0, 0, _d), direction[_d].item<double>());
        }

        // Solves H v = −g approximately: preconditioned conjugate gradients on H·v = C·[X 1]ᵀ(s ⊙ (X vw + vb)) + (vw, 0),
        // with H's diagonal as preconditioner, until the residual is below forcing·‖g‖.
        private (Tensor Dw, double Db) ConjugateGradientStep(Tensor s, Tensor gw, double gb, double forcing)
        {
            Tensor preconditionW = _c * _xSquared!.t().mv(s) + 1;
            double preconditionB = _c * s.sum().item<double>() + BiasRidge;

            Tensor vw = zeros(_d, ScalarType.Float64);
            double vb = 0;
            Tensor rw = gw.neg();
            double rb = -gb;
            Tensor pw = rw / preconditionW;
            double pb = rb / preconditionB;
            double rz = rw.dot(pw).item<double>() + rb * pb;
            double target = forcing * Math.Sqrt(gw.dot(gw).item<double>() + gb * gb);
            for (int k = 0; k < options.MaxConjugateGradientSteps; k++)
            {
                using var inner = NewDisposeScope();
                Tensor weighted = s * (x.mv(pw) + pb);
                Tensor hw = _c * x.t().mv(weighted) + pw;
                double hb = _c * weighted.sum().item<double>();
                double curvature = pw.dot(hw).item<double>() + pb * hb;
                if (!(curvature > 0)) break;
                double alpha = rz / curvature;
                vw.add_(pw, alpha);
                vb += alpha * pb;
                rw.add_(hw, -alpha);
                rb -= alpha * hb;
                if (Math.Sqrt(rw.dot(rw).item<double>() + rb * rb) <= target) break;
                Tensor zw = rw / preconditionW;
                double zb = rb / preconditionB;
                double rzNext = rw.dot(zw).item<double>() + rb * zb;
                double beta = rzNext / rz;
                rz = rzNext;
                pw.mul_(beta).add_(zw);
                pb = zb + beta * pb;
            }
            return (vw, vb);
        }
    }
}
