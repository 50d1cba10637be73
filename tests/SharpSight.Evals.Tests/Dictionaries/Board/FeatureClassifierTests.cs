using SharpSight.Evals.Dictionaries.Board;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.Board;

public class FeatureClassifierTests
{
    private static readonly BoardEvalOptions TwoThresholds = new() { Thresholds = [0.0, 0.5], MinPrecision = 0.95, MinFirings = 2 };

    // Properties: p0 and p1 scored, p2 ("empty") not.
    private static BoardProperties Properties(bool[,] flags)
    {
        int rows = flags.GetLength(0);
        var flat = new bool[rows * 3];
        for (int x = 0; x < rows; x++)
            for (int g = 0; g < 3; g++) flat[x * 3 + g] = flags[x, g];
        return BoardProperties.FromFlags(["a", "b", "e"], ["A", "B", "E"], [true, true, false], flat, rows);
    }

    private static Tensor Features(float[,] values) => tensor(values);

    // 12 training positions: p0 holds at 0..5, p1 at 4..7, p2 at 8..11.
    private static BoardProperties TrainProperties()
    {
        var flags = new bool[12, 3];
        for (int x = 0; x < 12; x++) (flags[x, 0], flags[x, 1], flags[x, 2]) = (x <= 5, x is >= 4 and <= 7, x >= 8);
        return Properties(flags);
    }

    // f0 = p0 with rising values (max 6); f1 fires at 4..8 (precision 0.8 for p1); f2 at 7 (value 4) and 8 (value 1);
    // f3 exactly on p2 at 8..10; f4 never fires in training.
    private static float[,] TrainFeatures()
    {
        var f = new float[12, 5];
        for (int x = 0; x <= 5; x++) f[x, 0] = x + 1;
        for (int x = 4; x <= 8; x++) f[x, 1] = 2;
        (f[7, 2], f[8, 2]) = (4, 1);
        for (int x = 8; x <= 10; x++) f[x, 3] = 1;
        return f;
    }

    // Test: {p0}, {p0,p1}, {p1}, {p2}, {p0}, {}.
    private static BoardProperties TestProperties() => Properties(new bool[,]
    {
        { true, false, false }, { true, true, false }, { false, true, false }, { false, false, true }, { true, false, false }, { false, false, false },
    });

    private static float[,] TestFeatures()
    {
        var f = new float[6, 5];
        f[0, 0] = 5;      // above 0.5 * 6: fires at both thresholds
        f[1, 0] = 2.8f;   // below 0.5 * 6 (but above half the test maximum 5: the cut uses the training maximum)
        (f[2, 1], f[2, 4]) = (2, 10);   // f1 classifies nothing; f4 is dead in training
        f[3, 3] = 1;      // f3 would classify p2, which is not scored
        f[4, 0] = 3;      // exactly 0.5 * 6: fires at t = 0 only (φ needs f > t · max f)
        (f[5, 0], f[5, 3]) = (1, 1);
        return f;
    }

    private static BoardMetrics HandCase()
    {
        using var scope = NewDisposeScope();
        using BoardProperties train = TrainProperties(), test = TestProperties();
        return FeatureClassifiers.Evaluate(Features(TrainFeatures()), train, Features(TestFeatures()), test, TwoThresholds);
    }

    [Fact]
    public void Coverage_is_the_mean_best_F1_of_the_scored_properties_on_the_training_positions()
    {
        BoardMetrics m = HandCase();
        // p0: f0 at t = 0 classifies it exactly. p1: f1 at t = 0: TP 4, firings 5, positives 4 → 8/9 (t = 0.5 ties; the lower wins).
        // p2: f3 at t = 0: TP 3, firings 3, positives 4 → 6/7.
        Assert.Equal(3, m.PerProperty.Count);
        AssertScore(m.PerProperty[0], feature: 0, threshold: 0.0, f1: 1.0, precision: 1.0, recall: 1.0, positives: 6);
        AssertScore(m.PerProperty[1], feature: 1, threshold: 0.0, f1: 8.0 / 9, precision: 0.8, recall: 1.0, positives: 4);
        AssertScore(m.PerProperty[2], feature: 3, threshold: 0.0, f1: 6.0 / 7, precision: 1.0, recall: 0.75, positives: 4);
        Assert.Equal((1 + 8.0 / 9) / 2, m.Coverage, 12);   // p2 is not scored
        Assert.Equal(2, m.Properties);
        Assert.Equal(1.0, m.CoverageByGroup["A"], 12);
        Assert.Equal(8.0 / 9, m.CoverageByGroup["B"], 12);
        Assert.Equal(6.0 / 7, m.CoverageByGroup["E"], 12);
        Assert.Equal(4, m.AliveFeatures);   // f4 never fires in training
    }

    [Fact]
    public void The_original_code_s_coverage_shares_one_threshold_and_divides_by_its_slots()
    {
        BoardMetrics m = HandCase();
        // At t = 0 the scored properties' best F1s are p0 1 (f0) and p1 8/9 (f1). At t = 0.5, f0 fires above 3 (TP 3, firings 3,
        // positives 6 → 2/3) and p1 keeps f1's 8/9 (f1 > 1 everywhere it fires). t = 0 wins: (1 + 8/9) over 2 slots.
        Assert.Equal((1 + 8.0 / 9) / 2, m.CoverageOriginal, 12);
        Assert.Equal(0.0, m.CoverageOriginalThreshold);
        // The same over 3 slots when an unscored class is counted, as the original counts Othello's blank squares.
        using var scope = NewDisposeScope();
        using BoardProperties train = TrainProperties(), test = TestProperties();
        using var wider = new BoardProperties(train.Names, train.Groups, train.Scored, train.Values.clone(), coverageSlots: 3);
        BoardMetrics over3 = FeatureClassifiers.Evaluate(Features(TrainFeatures()), wider, Features(TestFeatures()), test, TwoThresholds);
        Assert.Equal((1 + 8.0 / 9) / 3, over3.CoverageOriginal, 12);
        Assert.Equal(m.Coverage, over3.Coverage, 12);   // the headline coverage does not depend on the slots
    }

    [Fact]
    public void Pooled_reconstruction_sums_the_counts_of_all_test_positions_into_one_F1()
    {
        BoardMetrics m = HandCase();
        // (TP, predicted, actual) over {p0, p1} at t = 0: (1,1,1) (1,1,2) (0,0,1) (0,0,0) (1,1,1) (0,1,0) → 2·3 / (4 + 5) = 2/3.
        // At t = 0.5 only position 0 is predicted: 2·1 / (1 + 5) = 1/3.
        Assert.Equal(2.0 / 3, m.BoardReconstructionPooled, 12);
    }

    [Fact]
    public void Reconstruction_uses_only_precise_frequent_classifiers_of_scored_properties_and_the_best_threshold()
    {
        BoardMetrics m = HandCase();
        // Classifiers: f0 → p0 at both thresholds. Rejected: f1 → p1 (precision 0.8), f2 → p1 at t = 0.5 (precision 1 but
        // one firing), f3 → p2 (not scored).
        Assert.Equal(2, m.Classifiers);
        // Per test position F1 over {p0, p1} at t = 0: 1, 2/3, 0, 1 (nothing true, nothing predicted), 1, 0.
        // At t = 0.5 (f0 fires only above 3): 1, 0, 0, 1, 0, 1.
        Assert.Equal(2, m.ReconstructionByThreshold.Count);
        Assert.Equal((1 + 2.0 / 3 + 1 + 1) / 6, m.ReconstructionByThreshold[0], 12);
        Assert.Equal(3.0 / 6, m.ReconstructionByThreshold[1], 12);
        Assert.Equal(11.0 / 18, m.BoardReconstruction, 12);
        Assert.Equal(0.0, m.ReconstructionThreshold);
    }

    [Fact]
    public void A_perfect_classifier_gives_coverage_and_reconstruction_one()
    {
        using var scope = NewDisposeScope();
        using BoardProperties train = TrainProperties(), test = TrainProperties();
        // Feature g is property g's indicator (scaled, so thresholds above 0 matter).
        bool[] flags = train.Values.data<bool>().ToArray();
        var features = new float[12, 3];
        for (int x = 0; x < 12; x++)
            for (int g = 0; g < 3; g++) features[x, g] = flags[x * 3 + g] ? 1 + x : 0;
        BoardMetrics m = FeatureClassifiers.Evaluate(Features(features), train, Features(features), test, TwoThresholds);
        Assert.Equal(1.0, m.Coverage, 12);
        Assert.Equal(1.0, m.BoardReconstruction, 12);
        Assert.All(m.PerProperty, p => Assert.Equal(1.0, p.F1, 12));
    }

    [Fact]
    public void A_property_that_never_holds_has_no_F1_and_is_left_out_of_coverage()
    {
        using var scope = NewDisposeScope();
        var flags = new bool[4, 3];
        (flags[0, 0], flags[1, 0]) = (true, true);   // p1 and p2 never hold
        using BoardProperties train = Properties(flags), test = Properties(flags);
        Tensor features = tensor(new float[,] { { 1 }, { 1 }, { 0 }, { 0 } });
        BoardMetrics m = FeatureClassifiers.Evaluate(features, train, features, test, TwoThresholds with { MinFirings = 1 });
        Assert.Equal(1.0, m.Coverage, 12);
        Assert.Equal(1, m.Properties);
        Assert.True(double.IsNaN(m.PerProperty[1].F1));
        Assert.Null(m.PerProperty[1].Feature);
        Assert.True(double.IsNaN(m.CoverageByGroup["B"]));
    }

    [Fact]
    public void Matches_a_brute_force_computation_on_random_sparse_features()
    {
        var random = new Random(5);
        int trainRows = 300, testRows = 200, width = 12, properties = 7;
        double[] thresholds = [0.0, 0.2, 0.45, 0.7];
        bool[] scored = [.. Enumerable.Range(0, properties).Select(g => g % 3 != 2)];
        (float[,] trainF, bool[,] trainP) = RandomCase(random, trainRows, width, properties);
        (float[,] testF, bool[,] testP) = RandomCase(random, testRows, width, properties);
        var options = new BoardEvalOptions { Thresholds = thresholds, MinPrecision = 0.6, MinFirings = 3 };

        using var scope = NewDisposeScope();
        using BoardProperties train = Flags(trainP, scored, coverageSlots: 9), test = Flags(testP, scored, coverageSlots: 9);
        BoardMetrics m = FeatureClassifiers.Evaluate(tensor(trainF), train, tensor(testF), test, options);
        var expected = BruteForce(trainF, trainP, testF, testP, scored, thresholds, options.MinPrecision, options.MinFirings, slots: 9);

        Assert.True(expected.Classifiers > 0, "the case should have some classifiers");
        for (int g = 0; g < properties; g++)
        {
            Assert.Equal(expected.BestF1[g], m.PerProperty[g].F1, 12);
            Assert.Equal(expected.BestFeature[g], m.PerProperty[g].Feature);
            Assert.Equal(thresholds[expected.BestThreshold[g]], m.PerProperty[g].Threshold);
        }
        Assert.Equal(expected.Coverage, m.Coverage, 12);
        Assert.Equal(expected.Classifiers, m.Classifiers);
        for (int t = 0; t < thresholds.Length; t++) Assert.Equal(expected.Reconstruction[t], m.ReconstructionByThreshold[t], 12);
        Assert.Equal(expected.Reconstruction.Max(), m.BoardReconstruction, 12);
        Assert.Equal(expected.CoverageOriginal, m.CoverageOriginal, 12);
        Assert.Equal(thresholds[expected.CoverageOriginalThreshold], m.CoverageOriginalThreshold);
        Assert.Equal(expected.Pooled.Max(), m.BoardReconstructionPooled, 12);
    }

    [Fact]
    public void Predictions_are_scored_per_property_and_per_position()
    {
        using var scope = NewDisposeScope();
        using BoardProperties test = TestProperties();
        // Predicted: {p0}, {p0}, {p1, p2}, {p2}, {}, {p1}.
        Tensor predicted = tensor(new bool[,]
        {
            { true, false, false }, { true, false, false }, { false, true, true }, { false, false, true }, { false, false, false }, { false, true, false },
        });
        BoardMetrics m = FeatureClassifiers.EvaluatePredictions(predicted, test);
        // p0: TP 2, predicted 2, positives 3 → F1 4/5. p1: TP 1, predicted 2, positives 2 → 1/2. p2: TP 1, predicted 2, positives 1 → 2/3.
        Assert.Equal(0.8, m.PerProperty[0].F1, 12);
        Assert.Equal(0.5, m.PerProperty[1].F1, 12);
        Assert.Equal(2.0 / 3, m.PerProperty[2].F1, 12);
        Assert.Equal(2.0 / 3, m.PerProperty[0].Recall, 12);
        Assert.Equal(0.5, m.PerProperty[1].Precision, 12);
        Assert.Equal((0.8 + 0.5) / 2, m.Coverage, 12);
        // Per position over {p0, p1}: 1, 2/3, 1, 1, 0, 0 (p1 predicted on an empty set).
        Assert.Equal((1 + 2.0 / 3 + 1 + 1) / 6, m.BoardReconstruction, 12);
        // Pooled (TP, predicted, actual): (1,1,1) (1,1,2) (1,1,1) (0,0,0) (0,0,1) (0,1,0) → 2·3 / (4 + 5).
        Assert.Equal(2.0 / 3, m.BoardReconstructionPooled, 12);
        Assert.Equal((0.8 + 0.5) / 2, m.CoverageOriginal, 12);
        Assert.Null(m.CoverageOriginalThreshold);
        Assert.Null(m.ReconstructionThreshold);
        Assert.Null(m.AliveFeatures);
        Assert.All(m.PerProperty, p => Assert.Null(p.Feature));
    }

    [Fact]
    public void Mismatched_shapes_are_one_line_argument_errors()
    {
        using var scope = NewDisposeScope();
        using BoardProperties train = TrainProperties(), test = TestProperties();
        string rows = Assert.Throws<ArgumentException>(() => FeatureClassifiers.Evaluate(zeros(11, 5), train, Features(TestFeatures()), test)).Message;
        Assert.Equal("trainFeatures has 11 positions but trainProperties has 12", rows);
        string width = Assert.Throws<ArgumentException>(() => FeatureClassifiers.Evaluate(Features(TrainFeatures()), train, zeros(6, 4), test)).Message;
        Assert.Equal("trainFeatures has 5 features but testFeatures has 4", width);
        string predicted = Assert.Throws<ArgumentException>(() => FeatureClassifiers.EvaluatePredictions(zeros([6, 2], ScalarType.Bool), test)).Message;
        Assert.Equal("predicted must be [6, 3] like testProperties, got [6, 2]", predicted);
        string thresholds = Assert.Throws<ArgumentException>(() =>
            FeatureClassifiers.Evaluate(Features(TrainFeatures()), train, Features(TestFeatures()), test, new BoardEvalOptions { Thresholds = [0.5, 0.2] })).Message;
        Assert.Equal("Thresholds must increase, got 0.5 then 0.2", thresholds);
        foreach (string message in new[] { rows, width, predicted, thresholds }) Assert.DoesNotContain('\n', message);
    }

    private static void AssertScore(PropertyScore s, int feature, double threshold, double f1, double precision, double recall, long positives)
    {
        Assert.Equal(feature, s.Feature);
        Assert.Equal(threshold, s.Threshold);
        Assert.Equal(f1, s.F1, 12);
        Assert.Equal(precision, s.Precision, 12);
        Assert.Equal(recall, s.Recall, 12);
        Assert.Equal(positives, s.Positives);
    }

    private static BoardProperties Flags(bool[,] flags, bool[] scored, int? coverageSlots = null)
    {
        int rows = flags.GetLength(0), count = flags.GetLength(1);
        var flat = new bool[rows * count];
        for (int x = 0; x < rows; x++)
            for (int g = 0; g < count; g++) flat[x * count + g] = flags[x, g];
        string[] names = [.. Enumerable.Range(0, count).Select(g => $"p{g}")];
        return BoardProperties.FromFlags(names, [.. names.Select(n => $"group {n}")], scored, flat, rows, coverageSlots);
    }

    // Features that are mostly zero, some correlated with a property; properties at random.
    private static (float[,] Features, bool[,] Properties) RandomCase(Random random, int rows, int width, int properties)
    {
        var p = new bool[rows, properties];
        var f = new float[rows, width];
        for (int x = 0; x < rows; x++)
        {
            for (int g = 0; g < properties; g++) p[x, g] = random.NextDouble() < 0.3;
            for (int j = 0; j < width; j++)
            {
                bool linked = j < properties && p[x, j];
                if (j == width - 1) continue;   // a dead feature
                if (random.NextDouble() < (linked ? 0.8 : 0.1)) f[x, j] = (float)Math.Round(random.NextDouble() * 4 + (linked ? 1 : 0), 2);
            }
        }
        return (f, p);
    }

    private sealed record Expected(double[] BestF1, int?[] BestFeature, int[] BestThreshold, double Coverage, long Classifiers, double[] Reconstruction,
        double CoverageOriginal, int CoverageOriginalThreshold, double[] Pooled);

    // The definitions, directly: dense loops in float64 over every (feature, threshold, property).
    private static Expected BruteForce(float[,] trainF, bool[,] trainP, float[,] testF, bool[,] testP, bool[] scored, double[] thresholds,
        double minPrecision, int minFirings, int slots)
    {
        int n = trainF.GetLength(0), width = trainF.GetLength(1), properties = trainP.GetLength(1), m = testF.GetLength(0);
        var max = new double[width];
        for (int x = 0; x < n; x++)
            for (int f = 0; f < width; f++) max[f] = Math.Max(max[f], trainF[x, f]);
        bool Fires(float value, int f, int t) => max[f] > 0 && value > thresholds[t] * max[f];

        var bestF1 = new double[properties];
        var bestFeature = new int?[properties];
        var bestThreshold = new int[properties];
        var isClassifier = new bool[width, thresholds.Length, properties];
        var bestAtThreshold = new double[thresholds.Length, properties];
        long classifiers = 0;
        for (int f = 0; f < width; f++)
            for (int t = 0; t < thresholds.Length; t++)
                for (int g = 0; g < properties; g++)
                {
                    int tp = 0, fired = 0, positives = 0;
                    for (int x = 0; x < n; x++)
                    {
                        bool fires = Fires(trainF[x, f], f, t);
                        fired += fires ? 1 : 0;
                        positives += trainP[x, g] ? 1 : 0;
                        tp += fires && trainP[x, g] ? 1 : 0;
                    }
                    double precision = fired == 0 ? 0 : (double)tp / fired;
                    // 2PR / (P + R) written as 2 TP / (firings + positives), so equal F1s compare equal and ties break the same way.
                    double f1 = tp == 0 ? 0 : 2.0 * tp / (fired + positives);
                    if (f1 > bestF1[g]) (bestF1[g], bestFeature[g], bestThreshold[g]) = (f1, f, t);
                    bestAtThreshold[t, g] = Math.Max(bestAtThreshold[t, g], f1);
                    if (scored[g] && precision >= minPrecision && tp >= minFirings)
                    {
                        isClassifier[f, t, g] = true;
                        classifiers++;
                    }
                }
        double coverage = Enumerable.Range(0, properties).Where(g => scored[g]).Average(g => bestF1[g]);

        // The original's coverage: the best single threshold of the summed scored F1s, over the slots.
        double[] originalAt = [.. Enumerable.Range(0, thresholds.Length).Select(t => Enumerable.Range(0, properties).Where(g => scored[g]).Sum(g => bestAtThreshold[t, g]) / slots)];
        int originalT = Array.IndexOf(originalAt, originalAt.Max());

        var reconstruction = new double[thresholds.Length];
        var pooled = new double[thresholds.Length];
        for (int t = 0; t < thresholds.Length; t++)
        {
            double sum = 0;
            long allBoth = 0, allPredicted = 0, allActual = 0;
            for (int x = 0; x < m; x++)
            {
                int both = 0, predicted = 0, actual = 0;
                for (int g = 0; g < properties; g++)
                {
                    if (!scored[g]) continue;
                    bool guess = Enumerable.Range(0, width).Any(f => isClassifier[f, t, g] && Fires(testF[x, f], f, t));
                    predicted += guess ? 1 : 0;
                    actual += testP[x, g] ? 1 : 0;
                    both += guess && testP[x, g] ? 1 : 0;
                }
                sum += predicted + actual == 0 ? 1 : 2.0 * both / (predicted + actual);
                (allBoth, allPredicted, allActual) = (allBoth + both, allPredicted + predicted, allActual + actual);
            }
            reconstruction[t] = sum / m;
            pooled[t] = 2.0 * allBoth / (allPredicted + allActual);
        }
        return new Expected(bestF1, bestFeature, bestThreshold, coverage, classifiers, reconstruction, originalAt[originalT], originalT, pooled);
    }
}
