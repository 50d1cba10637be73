using SharpSight.Dictionaries.Tests.Reference;
using SharpSight.Dictionaries.Tests.Support;
using SharpSight.Dictionaries.Training;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests;

/// <summary>
/// Two full TrainSteps against the reference step (gradient, decoder-gradient projection for a unit-norm decoder, global
/// norm clipping, Adam with bias correction and the options' β, renormalisation): parameters and Adam moments after each.
/// Two steps because on the first Adam's update is lr·sign(g) whatever β and the clipping scale are.
/// </summary>
public class TrainStepTests
{
    private const double LearningRate = 5e-3, Beta1 = 0.8, Beta2 = 0.95, ClipNorm = 0.5;

    /// <summary>
    /// A case whose two reference steps stay away from every kink, clip on both steps, and have no gradient entry that is
    /// tiny but not zero (Adam divides each entry by its own magnitude, so such entries would amplify float32 noise).
    /// </summary>
    private static (RefCase Case, double[][][] Batches) FindCase(RefSettings s, bool constrain, Func<RefParams, double[][], bool> separated, string architecture)
    {
        double[][][] batches = Cases.Batches(seed: 5, count: 2);
        RefCase c = RefCases.Find(architecture, Cases.DIn, Cases.DSae, Cases.Rows, (p, _) =>
        {
            RefParams r = p.Clone();
            var adam = new RefAdam(Beta1, Beta2);
            foreach (double[][] x in batches)
            {
                if (!separated(r, x)) return false;
                (double norm, Dictionary<string, double[]> g) = RefTrainStep.Step(s, r, x, adam, LearningRate, ClipNorm, constrain);
                double scale = g.Values.Max(v => v.Max(Math.Abs));
                if (norm < 2 * ClipNorm || g.Values.Any(v => v.Any(e => Math.Abs(e) > 1e-10 && Math.Abs(e) < 1e-3 * scale))) return false;
            }
            return true;
        }, adjust: constrain ? Cases.UnitDecoder : null);
        return (c, batches);
    }

    private static void RunAndCompare(TrainingMethod method, RefSettings s, bool constrain, RefCase c, double[][][] batches, int k = 0)
    {
        DictionaryTrainingOptions options = Lib.Options(method, lambda: s.Lambda) with
        {
            LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, ClipNorm = ClipNorm,
        };
        Assert.Equal(constrain, options.ConstrainsDecoder);
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params, k: k);
        RefParams expected = c.Params.Clone();
        var adam = new RefAdam(Beta1, Beta2);
        for (int step = 0; step < batches.Length; step++)
        {
            RefTrainStep.Step(s, expected, batches[step], adam, LearningRate, ClipNorm, constrain);
            StepMetrics metrics = trainer.TrainStep(Lib.Batch(batches[step]));
            Assert.Equal(step + 1, metrics.Step);
            Assert.Equal(LearningRate, metrics.LearningRate, 12);

            RefParams actual = Lib.Read(trainer.Dictionary);
            Dictionary<string, double[]> state = Lib.Snapshot(trainer);
            foreach (string name in s.Trainable(expected))
            {
                Expect.Close(expected[name], actual[name], $"step {step + 1}: {name}", rtol: 0, atol: 2e-6);
                Expect.Close(adam.FirstMoment(name), state[$"adam.m.{name}"], $"step {step + 1}: Adam m of {name}", rtol: 2e-4);
                Expect.Close(adam.SecondMoment(name), state[$"adam.v.{name}"], $"step {step + 1}: Adam v of {name}", rtol: 2e-4, atol: 1e-9);
            }
            if (constrain)
                for (int i = 0; i < Cases.DSae; i++) Assert.Equal(1.0, actual.DecoderNorm(i), 5);
        }
    }

    [Fact]
    public void TopK_steps_match_the_reference_with_projection_clipping_Adam_and_renormalisation()
    {
        var s = new RefSettings { Method = RefMethod.TopK, K = Cases.K, AuxAlpha = 1.0 / 32 };
        (RefCase c, double[][][] batches) = FindCase(s, constrain: true, (p, x) => Cases.TopKSeparated(p, x, perRow: true, margin: 0.01), "topk");
        RunAndCompare(TrainingMethod.TopK, s, constrain: true, c, batches, k: Cases.K);
    }

    [Fact]
    public void April_steps_match_the_reference_with_clipping_Adam_and_free_decoder_norms()
    {
        var s = new RefSettings { Method = RefMethod.April, Lambda = 0.3 };
        (RefCase c, double[][][] batches) = FindCase(s, constrain: false, (p, x) => RefCases.MinAbs(RefMath.PreActivations(p, x)) >= 0.01, "relu");
        RunAndCompare(TrainingMethod.April, s, constrain: false, c, batches);
    }
}
