using SharpSight.Dictionaries.Architectures;
using SharpSight.Dictionaries.Tests.Reference;
using SharpSight.Dictionaries.Tests.Support;
using SharpSight.Dictionaries.Training;
using static SharpSight.Dictionaries.Tests.Reference.RefMath;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests;

/// <summary>Trainer state across steps: the BatchTopK threshold, resampling, b_dec initialisation, refusing non-finite losses.</summary>
public class TrainerBehaviourTests
{
    /// <summary>
    /// From ThresholdStartStep (1 here) the threshold is the smallest positive kept activation of the batch (first time),
    /// then θ ← β·θ + (1 − β)·min with β = 0.6; before it, θ stays unset (−1). Each step's features are recomputed by
    /// the reference from the parameters the step started with.
    /// </summary>
    [Fact]
    public void BatchTopK_threshold_is_an_average_of_the_smallest_kept_activation_from_its_start_step()
    {
        RefCase c = Cases.TopKFamily(perRow: false, adjust: Cases.UnitDecoder);
        double[][][] batches = [c.X, .. Cases.Batches(seed: 3, count: 2)];
        DictionaryTrainingOptions options = Lib.Options(TrainingMethod.BatchTopK) with { ThresholdStartStep = 1, ThresholdBeta = 0.6 };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params, k: Cases.K);
        var dictionary = (BatchTopKDictionary)trainer.Dictionary;

        double? expected = null;
        for (int step = 0; step < batches.Length; step++)
        {
            RefParams before = Lib.Read(dictionary);
            double[][] active = Map(PreActivations(before, batches[step]), Relu);
            Assert.True(RefCases.BoundaryGap(active.SelectMany(r => r), Cases.K * Cases.Rows) > 1e-4, "near-tie at the selection boundary");
            double smallest = KeepTopKOverBatch(active, Cases.K).SelectMany(r => r).Where(v => v > 0).Min();
            trainer.TrainStep(Lib.Batch(batches[step]));
            if (step >= 1) expected = expected is { } previous ? 0.6 * previous + 0.4 * smallest : smallest;

            double[] threshold = Lib.Read(dictionary)["threshold"];
            if (expected is { } value) Assert.All(threshold, t => Expect.Close(value, t, $"threshold after step {step + 1}"));
            else Assert.All(threshold, t => Assert.Equal(-1.0, t));
            Assert.Equal(expected is not null, dictionary.HasThreshold);
        }
    }

    /// <summary>
    /// Standard resampling every 2 steps: features 2 and 5 never fire (b_enc = −3), the others always fire (b_enc = +3).
    /// At step 2 each dead feature gets a decoder row x_j/‖x_j‖ for a distinct input j of that batch, an encoder column
    /// 0.2·(mean live encoder norm)·x_j, b_enc = 0 and zero Adam moments; everything of the live features equals a twin
    /// trained without resampling (both start from nonzero Adam moments, so the reset is observable).
    /// </summary>
    [Fact]
    public void Standard_resampling_gives_dead_features_normalised_inputs_and_fresh_moments_and_leaves_live_ones_alone()
    {
        int[] dead = [2, 5];
        RefParams p = RefCases.RandomParams(new Random(21), "relu", Cases.DIn, Cases.DSae);
        for (int j = 0; j < p["W_enc"].Length; j++) p["W_enc"][j] *= 0.3;
        for (int i = 0; i < Cases.DSae; i++) p["b_enc"][i] = dead.Contains(i) ? -3 : 3;
        Cases.UnitDecoder(p, []);
        p.RoundToFloat();
        double[][][] batches = Cases.Batches(seed: 8, count: 2);
        DictionaryTrainingOptions options = Lib.Options(TrainingMethod.Standard, lambda: 0.1) with { ResampleEvery = 2 };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, p);
        using DictionaryTrainer twin = Lib.Trainer(options with { ResampleEvery = 0 }, p);
        // Features that never fire get no gradient, so their moments would be zero anyway: start both from nonzero moments.
        Lib.SetAdamMoments(trainer, 0.01);
        Lib.SetAdamMoments(twin, 0.01);

        trainer.TrainStep(Lib.Batch(batches[0]));
        twin.TrainStep(Lib.Batch(batches[0]));
        Assert.Equal(Lib.Snapshot(twin).Where(s => s.Key.StartsWith("dictionary.")), Lib.Snapshot(trainer).Where(s => s.Key.StartsWith("dictionary.")));
        Assert.Equal(dead, Lib.Values(trainer.DeadFeatures()).Select((v, i) => (v, i)).Where(e => e.v != 0).Select(e => e.i));

        trainer.TrainStep(Lib.Batch(batches[1]));
        twin.TrainStep(Lib.Batch(batches[1]));

        Dictionary<string, double[]> state = Lib.Snapshot(trainer), reference = Lib.Snapshot(twin);
        int dIn = Cases.DIn, dSae = Cases.DSae;
        double[] Column(double[] wEnc, int i) => [.. Enumerable.Range(0, dIn).Select(d => wEnc[d * dSae + i])];
        double[] Row(double[] wDec, int i) => wDec[(i * dIn)..((i + 1) * dIn)];
        double Norm(double[] v) => Math.Sqrt(v.Sum(e => e * e));
        int[] live = [.. Enumerable.Range(0, dSae).Except(dead)];
        double aliveNorm = live.Average(i => Norm(Column(reference["dictionary.W_enc"], i)));
        double[][] x = batches[1];

        var used = new HashSet<int>();
        foreach (int i in dead)
        {
            double[] row = Row(state["dictionary.W_dec"], i);
            int j = Enumerable.Range(0, x.Length).MinBy(j => x[j].Zip(row, (a, b) => Math.Abs(a / Norm(x[j]) - b)).Max());
            Assert.True(used.Add(j), "two dead features got the same input");
            Expect.Close([.. x[j].Select(v => v / Norm(x[j]))], row, $"decoder row of resampled feature {i}", rtol: 1e-5);
            Expect.Close([.. x[j].Select(v => v * 0.2 * aliveNorm)], Column(state["dictionary.W_enc"], i), $"encoder column of resampled feature {i}", rtol: 1e-5);
            Assert.Equal(0.0, state["dictionary.b_enc"][i]);
            foreach (string moment in new[] { "m", "v" })
            {
                Assert.All(Column(state[$"adam.{moment}.W_enc"], i), e => Assert.Equal(0.0, e));
                Assert.All(Row(state[$"adam.{moment}.W_dec"], i), e => Assert.Equal(0.0, e));
                Assert.Equal(0.0, state[$"adam.{moment}.b_enc"][i]);
            }
        }
        foreach (int i in live)
            foreach (string prefix in new[] { "dictionary", "adam.m", "adam.v" })
            {
                Assert.Equal(Column(reference[$"{prefix}.W_enc"], i), Column(state[$"{prefix}.W_enc"], i));
                Assert.Equal(Row(reference[$"{prefix}.W_dec"], i), Row(state[$"{prefix}.W_dec"], i));
                Assert.Equal(reference[$"{prefix}.b_enc"][i], state[$"{prefix}.b_enc"][i]);
            }
        foreach (string key in new[] { "dictionary.b_dec", "adam.m.b_dec", "adam.v.b_dec" }) Assert.Equal(reference[key], state[key]);
        Assert.All(Lib.Values(trainer.DeadFeatures()), v => Assert.Equal(0.0, v));
    }

    /// <summary>With the learning rate at 0 a step changes nothing but the initialisation, so b_dec must be the geometric median of the first batch.</summary>
    [Theory]
    [InlineData(TrainingMethod.TopK)]
    [InlineData(TrainingMethod.BatchTopK)]
    [InlineData(TrainingMethod.Matryoshka)]
    public void TopK_family_first_step_sets_the_decoder_bias_to_the_geometric_median_of_the_batch(TrainingMethod method)
    {
        RefCase c = Cases.TopKFamily(perRow: method == TrainingMethod.TopK, adjust: Cases.UnitDecoder);
        double[][] x = [.. Cases.Batches(seed: 9, count: 2).SelectMany(b => b)];
        DictionaryTrainingOptions options = Lib.Options(method) with { GeometricMedianInit = null, LearningRate = 0 };
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = Lib.Trainer(options, c.Params, k: Cases.K, groups: method == TrainingMethod.Matryoshka ? [2, 4] : null);

        trainer.TrainStep(Lib.Batch(x));

        RefParams after = Lib.Read(trainer.Dictionary);
        Expect.Close(RefGeometricMedian.Minimise(x), after["b_dec"], "b_dec", rtol: 0, atol: 1e-4);
        foreach (string name in new[] { "W_enc", "W_dec", "b_enc" }) Expect.Close(c.Params[name], after[name], name, rtol: 0, atol: 1e-6);
    }

    public static TheoryData<TrainingMethod> AllMethods => new(Enum.GetValues<TrainingMethod>());

    /// <summary>A NaN in the batch: the step throws before touching anything, for every method (b_dec initialisation included), and the next finite step works.</summary>
    [Theory]
    [MemberData(nameof(AllMethods))]
    public void A_non_finite_loss_throws_and_leaves_the_trainer_unchanged(TrainingMethod method)
    {
        var options = new DictionaryTrainingOptions { Method = method, Seed = 3 };
        var config = new DictionaryConfig
        {
            Architecture = options.Architecture, InputSize = Cases.DIn, Width = Cases.DSae, K = Cases.K,
            MatryoshkaGroups = method == TrainingMethod.Matryoshka ? [2, 4] : null,
        };
        double[][] x = Cases.Batches(seed: 4, count: 1)[0];
        using var scope = NewDisposeScope();
        using DictionaryTrainer trainer = DictionaryTrainers.Create(config, options);
        Dictionary<string, double[]> before = Lib.Snapshot(trainer);
        Tensor poisoned = Lib.Batch(x);
        poisoned[1, 2] = tensor(float.NaN);

        Assert.Throws<NonFiniteLossException>(() => trainer.TrainStep(poisoned));

        Assert.Equal(0, trainer.Step);
        Dictionary<string, double[]> after = Lib.Snapshot(trainer);
        foreach ((string key, double[] values) in before) Assert.True(values.SequenceEqual(after[key]), $"{method}: {key} changed");
        StepMetrics metrics = trainer.TrainStep(Lib.Batch(x));
        Assert.Equal(1, metrics.Step);
        Assert.True(double.IsFinite(metrics.Loss));
        Assert.All(Lib.Snapshot(trainer).Values.SelectMany(v => v), v => Assert.True(double.IsFinite(v)));
    }
}
