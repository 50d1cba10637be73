using SharpSight.Evals.Dictionaries.SparseProbing;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.SparseProbing;

public class LogisticRegressionTests
{
    // Six examples, two features, not separable (so the optimum is finite even without the penalty's help).
    private static readonly double[,] SmallX = { { 0.5, 1.0 }, { 1.5, -0.5 }, { -1.0, 2.0 }, { 2.0, 0.3 }, { -0.5, -1.5 }, { 0.2, 0.8 } };
    private static readonly double[] SmallY = [1, 1, 0, 1, 0, 0];

    [Fact]
    public void Matches_plain_gradient_descent_on_a_small_case()
    {
        foreach (double c in new[] { 1.0, 0.1, 10.0 })
        {
            (double[] w, double b) = GradientDescent(SmallX, SmallY, c);
            LogisticRegression fit = LogisticRegression.Fit(Tensor(SmallX), tensor(SmallY), new LogisticRegressionOptions { C = c });
            Assert.True(fit.Converged);
            Assert.Equal(w[0], fit.Weights[0], 1e-7);
            Assert.Equal(w[1], fit.Weights[1], 1e-7);
            Assert.Equal(b, fit.Bias, 1e-7);
        }
    }

    [Fact]
    public void The_fit_is_stationary_for_the_penalised_objective_with_an_unpenalised_bias()
    {
        LogisticRegression fit = LogisticRegression.Fit(Tensor(SmallX), tensor(SmallY));
        double[] gradient = Gradient(SmallX, SmallY, 1.0, [.. fit.Weights], fit.Bias);
        Assert.All(gradient, g => Assert.True(Math.Abs(g) < 1e-6, $"gradient component {g}"));
        // The bias is not penalised: its gradient is C·Σ(p − y) alone, so predicted probabilities sum to the positives.
        double sumP = 0;
        for (int i = 0; i < SmallY.Length; i++) sumP += Sigmoid(fit.Weights[0] * SmallX[i, 0] + fit.Weights[1] * SmallX[i, 1] + fit.Bias);
        Assert.Equal(SmallY.Sum(), sumP, 1e-6);
    }

    [Fact]
    public void Conjugate_gradient_steps_reach_the_same_optimum_as_exact_newton_steps()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        Tensor x = randn([300, 40], ScalarType.Float64, generator: generator) * 2;
        Tensor y = (x[.., 0] - x[.., 1] + randn([300], ScalarType.Float64, generator: generator)).gt(0);
        LogisticRegression direct = LogisticRegression.Fit(x, y);
        LogisticRegression iterative = LogisticRegression.Fit(x, y, new LogisticRegressionOptions { DirectSolveLimit = 0 });
        Assert.True(direct.Converged && iterative.Converged);
        for (int j = 0; j < 40; j++) Assert.Equal(direct.Weights[j], iterative.Weights[j], 1e-6);
        Assert.Equal(direct.Bias, iterative.Bias, 1e-6);

        double[,] plainX = ToArray(x);
        double[] plainY = [.. y.to(ScalarType.Float64).data<double>()];
        Assert.All(Gradient(plainX, plainY, 1.0, [.. iterative.Weights], iterative.Bias), g => Assert.True(Math.Abs(g) < 1e-6, $"gradient component {g}"));
    }

    [Fact]
    public void Mostly_zero_features_stored_sparsely_reach_the_stationary_point()
    {
        // 90% zeros (like pooled dictionary latents), so the solver keeps X in compressed rows.
        using var scope = NewDisposeScope();
        var generator = new Generator(6);
        Tensor x = randn([200, 30], ScalarType.Float64, generator: generator).relu() * rand([200, 30], ScalarType.Float64, generator: generator).lt(0.2);
        Tensor y = (x[.., 0] + x[.., 1] - x[.., 2] + 0.3 * randn([200], ScalarType.Float64, generator: generator)).gt(0.2);
        double[,] plainX = ToArray(x);
        double[] plainY = [.. y.to(ScalarType.Float64).data<double>()];
        foreach (int limit in new[] { 0, 512 })
        {
            LogisticRegression fit = LogisticRegression.Fit(x, y, new LogisticRegressionOptions { DirectSolveLimit = limit, C = 2 });
            Assert.True(fit.Converged);
            Assert.All(Gradient(plainX, plainY, 2.0, [.. fit.Weights], fit.Bias), g => Assert.True(Math.Abs(g) < 1e-6, $"gradient component {g} (limit {limit})"));
        }
    }

    [Fact]
    public void Features_that_are_always_zero_get_weight_zero()
    {
        double[,] x = { { 0.5, 0, 1.0 }, { 1.5, 0, -0.5 }, { -1.0, 0, 2.0 }, { 2.0, 0, 0.3 }, { -0.5, 0, -1.5 }, { 0.2, 0, 0.8 } };
        LogisticRegression fit = LogisticRegression.Fit(Tensor(x), tensor(SmallY));
        LogisticRegression reference = LogisticRegression.Fit(Tensor(SmallX), tensor(SmallY));
        Assert.Equal(0.0, fit.Weights[1]);
        Assert.Equal(reference.Weights[0], fit.Weights[0], 1e-9);
        Assert.Equal(reference.Weights[1], fit.Weights[2], 1e-9);
    }

    [Fact]
    public void Predictions_follow_the_sign_of_the_decision_value()
    {
        // One feature, separable at 0 with a symmetric sample: the bias is 0 and the weight positive.
        double[,] x = { { -2 }, { -1 }, { 1 }, { 2 } };
        LogisticRegression fit = LogisticRegression.Fit(Tensor(x), tensor(new double[] { 0, 0, 1, 1 }));
        Assert.True(fit.Weights[0] > 0);
        Assert.Equal(0.0, fit.Bias, 1e-9);
        using Tensor test = tensor(new double[] { -0.5, 0.5, 3 }).unsqueeze(1);
        Assert.Equal([false, true, true], fit.Predict(test).data<bool>().ToArray());
        Assert.Equal(2.0 / 3, fit.Accuracy(test, tensor(new double[] { 0, 0, 1 })), 1e-12);
    }

    [Fact]
    public void Labels_other_than_zero_and_one_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(Tensor(SmallX), tensor(new double[] { 0, 1, 2, 0, 1, 0 })));
        Assert.Contains("0 or 1", error.Message);
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(Tensor(SmallX), tensor(SmallY), new LogisticRegressionOptions { C = 0 }));
    }

    // Independent reference: full-batch gradient descent with step 1/L, L = C·¼·Σ‖(x, 1)‖² + 1 bounding the Hessian.
    private static (double[] W, double B) GradientDescent(double[,] x, double[] y, double c)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        double lipschitz = 1;
        for (int i = 0; i < n; i++)
        {
            double norm = 1;
            for (int j = 0; j < d; j++) norm += x[i, j] * x[i, j];
            lipschitz += c * 0.25 * norm;
        }
        var w = new double[d];
        double b = 0;
        for (int step = 0; step < 2_000_000; step++)
        {
            double[] g = Gradient(x, y, c, w, b);
            if (g.Max(Math.Abs) < 1e-12) break;
            for (int j = 0; j < d; j++) w[j] -= g[j] / lipschitz;
            b -= g[d] / lipschitz;
        }
        return (w, b);
    }

    // ∂/∂(w, b) of C·Σ log-loss + ½‖w‖²: (C·Xᵀ(p − y) + w, C·Σ(p − y)).
    private static double[] Gradient(double[,] x, double[] y, double c, double[] w, double b)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var g = new double[d + 1];
        for (int j = 0; j < d; j++) g[j] = w[j];
        for (int i = 0; i < n; i++)
        {
            double z = b;
            for (int j = 0; j < d; j++) z += w[j] * x[i, j];
            double r = Sigmoid(z) - y[i];
            for (int j = 0; j < d; j++) g[j] += c * r * x[i, j];
            g[d] += c * r;
        }
        return g;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static Tensor Tensor(double[,] x) => tensor(x.Cast<double>().ToArray(), [x.GetLength(0), x.GetLength(1)]);

    private static double[,] ToArray(Tensor x)
    {
        double[] flat = [.. x.to(ScalarType.Float64).data<double>()];
        int n = (int)x.shape[0], d = (int)x.shape[1];
        var result = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) result[i, j] = flat[i * d + j];
        return result;
    }
}
