using System.Numerics;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// The board-state metrics of Karvonen et al. 2024 (SAE_BoardGameEval), with every feature read as a family of binary
/// classifiers φ_{f,t}(x) = 1[f(x) &gt; t · max f], max f taken over the training positions:
/// <list type="bullet">
/// <item><b>Coverage</b>: for each property the best F1 of any (f, t) on the training positions, averaged over the scored
/// properties. Measured on the training split, as the original does (its coverage comes from the statistics it aggregates on
/// the training games, the set the classifiers are also chosen on); with tens of thousands of positions the in-sample
/// maximum is barely optimistic, and the test split stays untouched for reconstruction.</item>
/// <item><b>Board reconstruction</b>: (f, t) is a classifier of property g when on the training positions its precision is
/// ≥ <see cref="BoardEvalOptions.MinPrecision"/> and it fires on ≥ <see cref="BoardEvalOptions.MinFirings"/> positions
/// where g holds. On each test position, g is predicted when any of its classifiers at threshold t fires; the F1 of the
/// predicted against the true set of scored properties is averaged over test positions (a position with neither scores 1),
/// and the best threshold is kept: Rec = max_t mean_x F1 (the paper's formula; the original code pools true and false
/// positives over all positions instead of averaging per position).</item>
/// </list>
/// Both are also computed the way SAE_BoardGameEval's code computes the paper's Table 1, for side-by-side comparison:
/// <see cref="BoardMetrics.CoverageOriginal"/> (one shared threshold, divided by all the original's slots) and
/// <see cref="BoardMetrics.BoardReconstructionPooled"/> (one F1 pooled over all test positions).
/// A property that never holds in the split it is measured on has no F1 and is left out of the averages (the original
/// counts it as 0, which caps even a perfect classifier below 1). Activations ≤ 0 never fire.
/// </summary>
public static class FeatureClassifiers
{
    /// <summary>The metrics of dense features [positions, features] of the training and test positions.</summary>
    public static BoardMetrics Evaluate(Tensor trainFeatures, BoardProperties trainProperties, Tensor testFeatures, BoardProperties testProperties,
        BoardEvalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainFeatures);
        ArgumentNullException.ThrowIfNull(testFeatures);
        if (trainFeatures.dim() != 2) throw new ArgumentException($"trainFeatures must be [positions, features], got [{string.Join(", ", trainFeatures.shape)}]");
        if (testFeatures.dim() != 2) throw new ArgumentException($"testFeatures must be [positions, features], got [{string.Join(", ", testFeatures.shape)}]");
        return Evaluate(SparseFeatureRows.FromDense(trainFeatures), trainProperties, SparseFeatureRows.FromDense(testFeatures), testProperties, options);
    }

    /// <summary>The metrics of sparse features of the training and test positions.</summary>
    public static BoardMetrics Evaluate(SparseFeatureRows train, BoardProperties trainProperties, SparseFeatureRows test, BoardProperties testProperties,
        BoardEvalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(trainProperties);
        ArgumentNullException.ThrowIfNull(testProperties);
        options ??= new BoardEvalOptions();
        options.Validate();
        if (train.Rows != trainProperties.Positions)
            throw new ArgumentException($"trainFeatures has {train.Rows} positions but trainProperties has {trainProperties.Positions}");
        if (test.Rows != testProperties.Positions)
            throw new ArgumentException($"testFeatures has {test.Rows} positions but testProperties has {testProperties.Positions}");
        if (train.Width != test.Width) throw new ArgumentException($"trainFeatures has {train.Width} features but testFeatures has {test.Width}");
        CheckSameProperties(trainProperties, testProperties);

        PropertyBits trainBits = PropertyBits.From(trainProperties), testBits = PropertyBits.From(testProperties);
        double[] thresholds = [.. options.Thresholds];
        var firing = FeatureFiring.Of(train, thresholds);
        var best = BestClassifiers.Count(firing, trainBits, thresholds.Length, options);
        (double[] reconstruction, double[] pooled) = Reconstruct(test, firing, best.Labels, testBits, thresholds.Length);
        int bestT = ArgMax(reconstruction);
        (double coverageOriginal, int sharedT) = OriginalCoverage(best.BestF1ByThreshold, trainBits, thresholds.Length, trainProperties.CoverageSlots);

        var scores = new PropertyScore[trainBits.Count];
        for (int g = 0; g < scores.Length; g++)
        {
            long positives = trainBits.Positives[g];
            (int a, int t, int tp, int fired) = best.Of(g);
            scores[g] = positives == 0
                ? new PropertyScore(trainProperties.Names[g], trainProperties.Groups[g], trainProperties.Scored[g], null, null, double.NaN, 0, double.NaN, 0)
                : a < 0
                    ? new PropertyScore(trainProperties.Names[g], trainProperties.Groups[g], trainProperties.Scored[g], null, null, 0, 0, 0, positives)
                    : new PropertyScore(trainProperties.Names[g], trainProperties.Groups[g], trainProperties.Scored[g], firing.Alive[a], thresholds[t],
                        2.0 * tp / (fired + positives), (double)tp / fired, (double)tp / positives, positives);
        }
        return Summarise(scores, reconstruction[bestT], thresholds[bestT], firing.Alive.Length, best.ClassifierCount, reconstruction)
            with { CoverageOriginal = coverageOriginal, CoverageOriginalThreshold = thresholds[sharedT], BoardReconstructionPooled = pooled.Max() };
    }

    // The original's coverage: at each threshold the scored properties' best F1 summed over the original's slots; the best threshold.
    private static (double Coverage, int Threshold) OriginalCoverage(double[] bestF1ByThreshold, PropertyBits truth, int thresholdCount, int slots)
    {
        var atThreshold = new double[thresholdCount];
        for (int t = 0; t < thresholdCount; t++)
            for (int g = 0; g < truth.Count; g++)
                if (truth.IsScored(g)) atThreshold[t] += bestF1ByThreshold[t * truth.Count + g];
        int best = ArgMax(atThreshold);
        return (atThreshold[best] / slots, best);
    }

    /// <summary>
    /// The metrics of given predictions [test positions, properties] (e.g. a linear probe's): each property's F1 of the
    /// predictions on the test positions, and the board reconstruction of the predicted boards.
    /// </summary>
    public static BoardMetrics EvaluatePredictions(Tensor predicted, BoardProperties testProperties)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(testProperties);
        if (predicted.dim() != 2 || predicted.shape[0] != testProperties.Positions || predicted.shape[1] != testProperties.Count)
            throw new ArgumentException($"predicted must be [{testProperties.Positions}, {testProperties.Count}] like testProperties, got [{string.Join(", ", predicted.shape)}]");
        PropertyBits truth = PropertyBits.From(testProperties);
        PropertyBits guess = PropertyBits.Pack(predicted, testProperties.Scored, "predicted");
        var truePositives = new long[truth.Count];
        double f1Sum = 0;
        long pooledTp = 0, pooledPredicted = 0, pooledActual = 0;
        for (int x = 0; x < truth.Rows; x++)
        {
            ReadOnlySpan<ulong> t = truth.Row(x), p = guess.Row(x);
            for (int w = 0; w < truth.Words; w++)
                for (ulong both = t[w] & p[w]; both != 0; both &= both - 1) truePositives[w * 64 + BitOperations.TrailingZeroCount(both)]++;
            int tp = PropertyBits.CountAnd(p, t, truth.ScoredMask), guessed = PropertyBits.CountAnd(p, truth.ScoredMask), actual = PropertyBits.CountAnd(t, truth.ScoredMask);
            f1Sum += PositionF1(tp, guessed, actual);
            (pooledTp, pooledPredicted, pooledActual) = (pooledTp + tp, pooledPredicted + guessed, pooledActual + actual);
        }
        var scores = new PropertyScore[truth.Count];
        for (int g = 0; g < scores.Length; g++)
        {
            long positives = truth.Positives[g], fired = guess.Positives[g], tp = truePositives[g];
            scores[g] = new PropertyScore(testProperties.Names[g], testProperties.Groups[g], testProperties.Scored[g], null, null,
                positives == 0 ? double.NaN : 2.0 * tp / (fired + positives), fired == 0 ? 0 : (double)tp / fired,
                positives == 0 ? double.NaN : (double)tp / positives, positives);
        }
        double reconstruction = truth.Rows == 0 ? double.NaN : f1Sum / truth.Rows;
        double scoredF1Sum = scores.Where(s => s.Scored && s.Positives > 0).Sum(s => s.F1);
        return Summarise(scores, reconstruction, null, null, null, [reconstruction]) with
        {
            CoverageOriginal = scoredF1Sum / testProperties.CoverageSlots,
            BoardReconstructionPooled = PooledF1(pooledTp, pooledPredicted, pooledActual),
        };
    }

    private static BoardMetrics Summarise(PropertyScore[] scores, double reconstruction, double? threshold, int? alive, long? classifiers, double[] byThreshold)
    {
        PropertyScore[] counted = [.. scores.Where(s => s.Scored && s.Positives > 0)];
        var byGroup = new Dictionary<string, double>();
        foreach (string group in scores.Select(s => s.Group).Distinct())
        {
            double[] f1s = [.. scores.Where(s => s.Group == group && s.Positives > 0).Select(s => s.F1)];
            byGroup[group] = f1s.Length == 0 ? double.NaN : f1s.Average();
        }
        return new BoardMetrics(counted.Length == 0 ? double.NaN : counted.Average(s => s.F1), reconstruction, threshold, counted.Length, alive, classifiers,
            byGroup, byThreshold, scores, double.NaN, null, double.NaN);
    }

    // F1 of one position's predicted against true scored set; a position where both are empty is reconstructed exactly.
    private static double PositionF1(int truePositives, int predicted, int actual) =>
        predicted + actual == 0 ? 1.0 : 2.0 * truePositives / (predicted + actual);

    // One F1 of counts pooled over positions; nothing predicted and nothing to predict is exact.
    private static double PooledF1(long truePositives, long predicted, long actual) =>
        predicted + actual == 0 ? 1.0 : 2.0 * truePositives / (predicted + actual);

    // At each threshold: the mean over test positions of the per-position F1, and the F1 of the counts pooled over positions.
    private static (double[] PerPosition, double[] Pooled) Reconstruct(SparseFeatureRows test, FeatureFiring firing, ulong[] labels, PropertyBits truth, int thresholdCount)
    {
        int words = truth.Words;
        // Most features classify nothing; their firings need no look-up.
        bool[] classifies = [.. Enumerable.Range(0, firing.Alive.Length).Select(a => labels.AsSpan(a * thresholdCount * words, thresholdCount * words).ContainsAnyExcept(0UL))];
        var total = new double[thresholdCount];
        var counts = new long[3 * thresholdCount];   // per threshold: pooled TP, predicted, actual
        var gate = new object();
        Parallel.For(0, (test.Rows + 255) / 256, () => (Sums: new double[thresholdCount], Counts: new long[3 * thresholdCount]), (chunk, _, local) =>
        {
            var predicted = new ulong[thresholdCount * words];
            for (int x = chunk * 256; x < Math.Min(test.Rows, (chunk + 1) * 256); x++)
            {
                Array.Clear(predicted);
                ReadOnlySpan<int> features = test.FeaturesOf(x);
                ReadOnlySpan<float> values = test.ValuesOf(x);
                for (int i = 0; i < features.Length; i++)
                {
                    int a = firing.AliveIndex[features[i]];
                    if (a < 0 || !classifies[a]) continue;
                    int level = firing.Level(a, values[i]);
                    for (int t = 0; t <= level; t++)
                    {
                        ReadOnlySpan<ulong> label = labels.AsSpan((a * thresholdCount + t) * words, words);
                        Span<ulong> into = predicted.AsSpan(t * words, words);
                        for (int w = 0; w < words; w++) into[w] |= label[w];
                    }
                }
                ReadOnlySpan<ulong> actual = truth.Row(x);
                int actualCount = PropertyBits.CountAnd(actual, truth.ScoredMask);
                for (int t = 0; t < thresholdCount; t++)
                {
                    ReadOnlySpan<ulong> guess = predicted.AsSpan(t * words, words);
                    int tp = PropertyBits.CountAnd(guess, actual, truth.ScoredMask), guessed = PropertyBits.CountAnd(guess, truth.ScoredMask);
                    local.Sums[t] += PositionF1(tp, guessed, actualCount);
                    local.Counts[3 * t] += tp;
                    local.Counts[3 * t + 1] += guessed;
                    local.Counts[3 * t + 2] += actualCount;
                }
            }
            return local;
        }, local =>
        {
            lock (gate)
            {
                for (int t = 0; t < thresholdCount; t++) total[t] += local.Sums[t];
                for (int i = 0; i < counts.Length; i++) counts[i] += local.Counts[i];
            }
        });
        return ([.. total.Select(s => test.Rows == 0 ? double.NaN : s / test.Rows)],
            [.. Enumerable.Range(0, thresholdCount).Select(t => PooledF1(counts[3 * t], counts[3 * t + 1], counts[3 * t + 2]))]);
    }

    private static int ArgMax(double[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best] || double.IsNaN(values[best])) best = i;
        return best;
    }

    private static void CheckSameProperties(BoardProperties train, BoardProperties test)
    {
        if (train.Count != test.Count) throw new ArgumentException($"trainProperties has {train.Count} properties but testProperties has {test.Count}");
        for (int g = 0; g < train.Count; g++)
            if (train.Names[g] != test.Names[g] || train.Scored[g] != test.Scored[g])
                throw new ArgumentException($"property {g} is '{train.Names[g]}' in trainProperties but '{test.Names[g]}' in testProperties");
    }
}
