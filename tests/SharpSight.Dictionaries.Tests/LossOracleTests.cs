using SharpSight.Dictionaries.Tests.Reference;
using SharpSight.Dictionaries.Tests.Support;
using SharpSight.Dictionaries.Training;
using SharpSight.Dictionaries.Training.Methods;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests;

/// <summary>
/// Each method's loss terms and parameter gradients (after <c>Loss(x).Total.backward()</c>) against the independent
/// double-precision reference: hand-derived backprop for the ReLU losses, central finite differences elsewhere (with
/// stop-gradients held at the evaluation point), and the JumpReLU paper's pseudo-derivatives for θ.
/// </summary>
public class LossOracleTests
{
    private static void ExpectTerms(RefTerms expected, LossTerms actual, string what, bool hasAuxiliary)
    {
        Expect.Close(expected.Total, Lib.Scalar(actual.Total), $"{what}: total");
        Expect.Close(expected.Reconstruction, Lib.Scalar(actual.Reconstruction), $"{what}: reconstruction");
        Expect.Close(expected.Sparsity, Lib.Scalar(actual.Sparsity), $"{what}: sparsity");
        if (hasAuxiliary)
        {
            Assert.NotNull(actual.Auxiliary);
            Expect.Close(expected.Auxiliary, Lib.Scalar(actual.Auxiliary!), $"{what}: auxiliary");
        }
        else Assert.Null(actual.Auxiliary);
        Expect.Close([.. expected.Features.SelectMany(r => r)], Lib.Values(actual.Features), $"{what}: features", rtol: 1e-5);
    }

    private static Dictionary<string, double[]> GradientOfTotal(DictionaryTrainer trainer, Tensor x, out LossTerms terms)
    {
        trainer.Dictionary.zero_grad(); // a TrainStep leaves its gradients in place
        terms = trainer.Loss(x);
        terms.Total.backward();
        return Lib.Gradients(trainer.Dictionary);
    }

    [Theory]
    [InlineData(TrainingMethod.Standard, 1.0, false)]
    [InlineData(TrainingMethod.April, 1.0, false)]
    [InlineData(TrainingMethod.PAnneal, 1.0, false)]
    [InlineData(TrainingMethod.PAnneal, 0.6, false)]
    [InlineData(TrainingMethod.PAnneal, 0.6, true)]
    public void Reference_hand_derived_gradients_agree_with_its_own_finite_differences(TrainingMethod method, double p, bool root)
    {
        RefCase c = Cases.Relu();
        var s = new RefSettings { Method = Cases.Ref(method), Lambda = 0.3, P = p, LpRoot = root };
        Dictionary<string, double[]> analytic = RefGradient.ReluAnalytic(s, c.Params, c.X);
        Dictionary<string, double[]> numeric = RefGradient.FiniteDifference(s, c.Params, c.X, t => t.Total);
        foreach ((string name, double[] values) in numeric) Expect.Close(values, analytic[name], $"reference ∂/∂{name}", rtol: 1e-7, atol: 1e-8);
    }

    [Theory]
    [InlineData(TrainingMethod.Standard)]
    [InlineData(TrainingMethod.April)]
    public void Relu_L1_loss_terms_and_gradients_match_the_hand_derived_reference(TrainingMethod method)
    {
        RefCase c = Cases.Relu();
        var s = new RefSettings { Method = Cases.Ref(method), Lambda = 0.3 };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(Lib.Options(method, lambda: 0.3), c.Params);

        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(c.X), out LossTerms terms);

        ExpectTerms(RefLoss.Evaluate(s, c.Params, c.X), terms, method.ToString(), hasAuxiliary: false);
        Expect.Gradients(RefGradient.ReluAnalytic(s, c.Params, c.X), gradients, method.ToString());
    }

    [Theory]
    [InlineData(PAnnealPenalty.LpPowerP)]
    [InlineData(PAnnealPenalty.Lp)]
    public void PAnneal_at_p_1_is_the_L1_loss_with_its_gradients(PAnnealPenalty penalty)
    {
        RefCase c = Cases.Relu();
        var s = new RefSettings { Method = RefMethod.PAnneal, Lambda = 0.3, P = 1, LpRoot = penalty == PAnnealPenalty.Lp };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(Lib.Options(TrainingMethod.PAnneal, lambda: 0.3) with { PAnnealPenalty = penalty }, c.Params);
        Assert.Equal(1.0, ((PAnnealTrainer)trainer).P);

        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(c.X), out LossTerms terms);

        ExpectTerms(RefLoss.Evaluate(s, c.Params, c.X), terms, "p-anneal p=1", hasAuxiliary: false);
        Expect.Gradients(RefGradient.ReluAnalytic(s, c.Params, c.X), gradients, "p-anneal p=1");
    }

    /// <summary>
    /// p-annealing with p values [1, 0.6, 0.2] at steps [0, 2, 4]: step 0 sets p = 1 without rescaling (no next p was
    /// tracked yet); steps 1 and 2 queue (Lp at the current p, Lp at the next p) of their own batches; step 2 sets
    /// λ ← λ·mean(Lp_old)/mean(Lp_new) and p = 0.6. The loss at the new p then matches the reference.
    /// </summary>
    [Theory]
    [InlineData(PAnnealPenalty.LpPowerP)]
    [InlineData(PAnnealPenalty.Lp)]
    public void PAnneal_rescales_its_coefficient_when_p_changes_and_its_loss_matches_at_the_new_p(PAnnealPenalty penalty)
    {
        RefCase c = Cases.Relu();
        double[][][] batches = Cases.Batches(seed: 11, count: 4);
        bool root = penalty == PAnnealPenalty.Lp;
        DictionaryTrainingOptions options = Lib.Options(TrainingMethod.PAnneal, lambda: 0.3) with
        {
            PAnnealPenalty = penalty, Steps = 5, AnnealStartStep = 0, SparsityUpdates = 3, PEnd = 0.2,
        };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params);
        var annealer = (PAnnealTrainer)trainer;

        var queue = new List<(double Old, double New)>();
        for (int step = 0; step < 3; step++)
        {
            RefParams before = Lib.Read(trainer.Dictionary);
            double Lp(double p) => RefLoss.Evaluate(new RefSettings { Method = RefMethod.PAnneal, P = p, LpRoot = root }, before, batches[step]).Sparsity;
            if (step >= 1) queue.Add((Lp(1), Lp(0.6)));
            trainer.TrainStep(Lib.Batch(batches[step]));
            if (step < 2)
            {
                Assert.Equal(1.0, annealer.P);
                Assert.Equal(0.3, annealer.Coefficient);
            }
        }
        double expectedLambda = 0.3 * queue.Average(q => q.Old) / queue.Average(q => q.New);
        Assert.Equal(0.6, annealer.P, 12);
        Expect.Close(expectedLambda, annealer.Coefficient, "rescaled λ", rtol: 2e-5);

        RefParams now = Lib.Read(trainer.Dictionary);
        Assert.True(RefCases.MinAbs(RefMath.PreActivations(now, batches[3])) > 1e-3, "the evaluation point sits on a ReLU kink");
        var s = new RefSettings { Method = RefMethod.PAnneal, Lambda = expectedLambda, P = 0.6, LpRoot = root };
        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(batches[3]), out LossTerms terms);
        ExpectTerms(RefLoss.Evaluate(s, now, batches[3]), terms, "p-anneal p=0.6", hasAuxiliary: false);
        Expect.Gradients(RefGradient.ReluAnalytic(s, now, batches[3]), gradients, "p-anneal p=0.6");
    }

    /// <summary>TopK and BatchTopK with three dead features (counters at the window, the others one token short) and k_aux = 2.</summary>
    [Theory]
    [InlineData(TrainingMethod.TopK)]
    [InlineData(TrainingMethod.BatchTopK)]
    public void TopK_family_loss_with_AuxK_and_its_gradients_match_the_reference(TrainingMethod method)
    {
        RefCase c = Cases.TopKFamily(perRow: method == TrainingMethod.TopK);
        var s = new RefSettings { Method = Cases.Ref(method), K = Cases.K, AuxAlpha = 0.5, Dead = Cases.Dead, KAux = Cases.KAux };
        DictionaryTrainingOptions options = Lib.Options(method) with { AuxKCoefficient = 0.5, DeadAfterTokens = 100 };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params, k: Cases.K);
        Lib.SetTokensSinceFired(trainer, [.. Cases.Dead.Select(dead => dead ? 100L : 99L)]);
        Assert.Equal(Cases.Dead, Lib.Values(trainer.DeadFeatures()).Select(v => v != 0));

        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(c.X), out LossTerms terms);
        RefTerms expected = RefLoss.Evaluate(s, c.Params, c.X);
        Assert.True(expected.Auxiliary > 0.05, "the case should exercise AuxK");
        ExpectTerms(expected, terms, method.ToString(), hasAuxiliary: true);
        Expect.Gradients(RefGradient.FiniteDifference(s, c.Params, c.X, t => t.Total), gradients, $"{method} total");

        // AuxK alone: its residual target is detached, so only the dead features' encoder path and W_dec rows move it.
        trainer.Dictionary.zero_grad();
        trainer.Loss(Lib.Batch(c.X)).Auxiliary!.backward();
        Expect.Gradients(RefGradient.FiniteDifference(s, c.Params, c.X, t => t.Auxiliary), Lib.Gradients(trainer.Dictionary), $"{method} AuxK");
    }

    [Fact]
    public void TopK_family_AuxK_is_zero_without_dead_features()
    {
        RefCase c = Cases.TopKFamily(perRow: true);
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(Lib.Options(TrainingMethod.TopK) with { AuxKCoefficient = 0.5, DeadAfterTokens = 100 }, c.Params, k: Cases.K);
        Lib.SetTokensSinceFired(trainer, [.. Enumerable.Repeat(99L, Cases.DSae)]);
        LossTerms terms = trainer.Loss(Lib.Batch(c.X));
        Assert.Equal(0.0, Lib.Scalar(terms.Auxiliary!));
        Expect.Close(Lib.Scalar(terms.Reconstruction), Lib.Scalar(terms.Total), "total without AuxK");
    }

    /// <summary>
    /// Matryoshka with groups [2, 4]: the loss is Σᵢ wᵢ‖x − (b_dec + f₁..ᵢW₁..ᵢ)‖² + α·AuxK. Weights (1, 0) and (0, 1)
    /// isolate each prefix's loss, so each prefix is checked on its own, and (0.25, 0.75) their combination.
    /// </summary>
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 0.75)]
    public void Matryoshka_prefix_losses_and_their_gradients_match_the_reference(double firstWeight, double secondWeight)
    {
        RefCase c = Cases.TopKFamily(perRow: false);
        int[] groups = [2, 4];
        double[] weights = [firstWeight, secondWeight];
        var s = new RefSettings { Method = RefMethod.Matryoshka, K = Cases.K, AuxAlpha = 0.5, Dead = Cases.Dead, KAux = Cases.KAux, Groups = groups, Weights = weights };
        DictionaryTrainingOptions options = Lib.Options(TrainingMethod.Matryoshka) with { AuxKCoefficient = 0.5, DeadAfterTokens = 100, MatryoshkaWeights = weights };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params, k: Cases.K, groups: groups);
        Lib.SetTokensSinceFired(trainer, [.. Cases.Dead.Select(dead => dead ? 100L : 0L)]);

        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(c.X), out LossTerms terms);
        RefTerms expected = RefLoss.Evaluate(s, c.Params, c.X);
        Assert.True(Math.Abs(expected.Prefix[0] - expected.Prefix[1]) > 0.1 * expected.Prefix[1], "the prefixes should reconstruct differently");
        Expect.Close(expected.Prefix[1], expected.Reconstruction, "reference: the last prefix is the whole dictionary", rtol: 1e-12);
        ExpectTerms(expected, terms, "matryoshka", hasAuxiliary: true);
        Expect.Gradients(RefGradient.FiniteDifference(s, c.Params, c.X, t => t.Total), gradients, "matryoshka");
    }

    [Fact]
    public void Matryoshka_first_prefix_loss_sends_no_gradient_to_later_groups_decoder_rows()
    {
        RefCase c = Cases.TopKFamily(perRow: false);
        DictionaryTrainingOptions options = Lib.Options(TrainingMethod.Matryoshka) with { AuxKCoefficient = 0, MatryoshkaWeights = [1.0, 0.0] };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params, k: Cases.K, groups: [2, 4]);
        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(c.X), out _);
        double[] wDec = gradients["W_dec"];
        Assert.All(wDec.Skip(2 * Cases.DIn), g => Assert.Equal(0.0, g));
        Assert.Contains(wDec.Take(2 * Cases.DIn), g => Math.Abs(g) > 1e-3);
    }

    /// <summary>
    /// JumpReLU with ε = 0.1 and thresholds placed so that pre-activations fall inside and just outside the rectangle
    /// window: W_enc, b_enc, b_dec, W_dec by finite differences (the jump is not crossed), θ by the straight-through
    /// estimators ∂f/∂θ = −(θ/ε)K((pre − θ)/ε) and ∂step/∂θ = −(1/ε)K((pre − θ)/ε).
    /// </summary>
    [Theory]
    [InlineData(JumpReluSparsity.L0Target)]
    [InlineData(JumpReluSparsity.Step)]
    [InlineData(JumpReluSparsity.Tanh)]
    public void JumpRelu_loss_and_straight_through_gradients_match_the_reference(JumpReluSparsity penalty)
    {
        const double bandwidth = 0.1;
        RefCase c = Cases.JumpRelu(bandwidth);
        var s = new RefSettings
        {
            Method = RefMethod.JumpRelu, Lambda = 0.3, Bandwidth = bandwidth, TargetL0 = 2, TanhScale = 3,
            JumpPenalty = Enum.Parse<RefJumpPenalty>(penalty.ToString()),
        };
        DictionaryTrainingOptions options = Lib.Options(TrainingMethod.JumpRelu, lambda: 0.3) with
        {
            JumpReluSparsity = penalty, Bandwidth = bandwidth, TargetL0 = 2, TanhScale = 3,
        };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params);

        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(c.X), out LossTerms terms);
        RefTerms expected = RefLoss.Evaluate(s, c.Params, c.X);
        if (penalty == JumpReluSparsity.L0Target) Assert.True(Math.Abs(expected.Sparsity) > 1e-3, "L0 should miss its target");
        ExpectTerms(expected, terms, $"jumprelu {penalty}", hasAuxiliary: false);
        Dictionary<string, double[]> reference = RefGradient.OfTotal(s, c.Params, c.X);
        Assert.Contains(reference["threshold"], g => Math.Abs(g) > 1e-2);
        Expect.Gradients(reference, gradients, $"jumprelu {penalty}");
    }

    /// <summary>
    /// Gated: L = ‖x − x̂‖² + λ‖ReLU(π_gate)‖₁ + ‖x − (ReLU(π_gate)W_dec + b_dec)‖² with the decoder detached in the last
    /// term. The auxiliary term alone gives W_dec no gradient, and b_dec only through the encoder input x − b_dec (none
    /// when the decoder bias is not subtracted from the input).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gated_loss_and_gradients_match_the_reference_with_a_detached_decoder_in_the_auxiliary_term(bool applyDecoderBias)
    {
        RefCase c = Cases.Gated(applyDecoderBias);
        var s = new RefSettings { Method = RefMethod.Gated, Lambda = 0.3, ApplyDecoderBias = applyDecoderBias };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(Lib.Options(TrainingMethod.Gated, lambda: 0.3), c.Params, applyDecoderBias: applyDecoderBias);

        Dictionary<string, double[]> gradients = GradientOfTotal(trainer, Lib.Batch(c.X), out LossTerms terms);
        ExpectTerms(RefLoss.Evaluate(s, c.Params, c.X), terms, "gated", hasAuxiliary: true);
        Expect.Gradients(RefGradient.FiniteDifference(s, c.Params, c.X, t => t.Total), gradients, "gated total");

        trainer.Dictionary.zero_grad();
        trainer.Loss(Lib.Batch(c.X)).Auxiliary!.backward();
        Dictionary<string, double[]> auxiliary = Lib.Gradients(trainer.Dictionary);
        Assert.All(auxiliary["W_dec"], g => Assert.Equal(0.0, g));
        if (!applyDecoderBias) Assert.All(auxiliary["b_dec"], g => Assert.Equal(0.0, g));
        else Assert.Contains(auxiliary["b_dec"], g => Math.Abs(g) > 1e-3);
        Expect.Gradients(RefGradient.FiniteDifference(s, c.Params, c.X, t => t.Auxiliary), auxiliary, "gated auxiliary");
    }
}
