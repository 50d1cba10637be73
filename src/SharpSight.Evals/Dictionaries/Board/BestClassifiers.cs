using System.Numerics;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// Training counts of every (feature, threshold, property): per property the (feature, threshold) with the best F1, and
/// the bit sets of the properties each (feature, threshold) is a reconstruction classifier of.
/// F1 = 2·TP / (firings + positives), the harmonic mean of precision TP / firings and recall TP / positives.
/// </summary>
internal sealed class BestClassifiers
{
    private readonly int[] _feature, _threshold, _truePositives, _firings;   // per property; feature -1: none

    private BestClassifiers(int properties)
    {
        _feature = Enumerable.Repeat(-1, properties).ToArray();
        _threshold = new int[properties];
        _truePositives = new int[properties];
        _firings = new int[properties];
    }

    /// <summary>[alive, thresholds, words]: the scored properties each (feature, threshold) is a classifier of.</summary>
    public ulong[] Labels { get; private set; } = [];

    /// <summary>[thresholds, properties]: each property's best F1 over features at each threshold (0 where nothing fires on it).</summary>
    public double[] BestF1ByThreshold { get; private set; } = [];

    /// <summary>Number of (feature, threshold, property) classifiers.</summary>
    public long ClassifierCount { get; private set; }

    /// <summary>The best (alive feature index, threshold index, TP, firings) of a property; alive index -1 when nothing ever fires on it.</summary>
    public (int Alive, int Threshold, int TruePositives, int Firings) Of(int property) =>
        (_feature[property], _threshold[property], _truePositives[property], _firings[property]);

    public static BestClassifiers Count(FeatureFiring firing, PropertyBits truth, int thresholds, BoardEvalOptions options)
    {
        int alive = firing.Alive.Length, properties = truth.Count, words = truth.Words;
        var result = new BestClassifiers(properties)
        {
            Labels = new ulong[(long)alive * thresholds * words],
            BestF1ByThreshold = new double[thresholds * properties],
        };
        var gate = new object();
        // Per (alive feature, property): the best F1 of the feature over thresholds, its threshold, TP and firings.
        var f1 = new double[(long)alive * properties];
        var bestT = new byte[f1.Length];
        var bestTp = new int[f1.Length];
        var bestFired = new int[f1.Length];
        long classifiers = 0;
        Parallel.For(0, alive, () => (Tp: new int[thresholds * properties], Fired: new int[thresholds], Best: new double[thresholds * properties]), (a, _, local) =>
        {
            Array.Clear(local.Tp);
            Array.Clear(local.Fired);
            for (int i = firing.ColumnStart[a]; i < firing.ColumnStart[a + 1]; i++)
            {
                int level = firing.Levels[i];
                local.Fired[level]++;
                ReadOnlySpan<ulong> row = truth.Row(firing.Rows[i]);
                int offset = level * properties;
                for (int w = 0; w < words; w++)
                    for (ulong bits = row[w]; bits != 0; bits &= bits - 1) local.Tp[offset + w * 64 + BitOperations.TrailingZeroCount(bits)]++;
            }
            // Counts by exact level → counts of φ_{f,t}, which fires at every level ≥ t.
            for (int t = thresholds - 2; t >= 0; t--)
            {
                local.Fired[t] += local.Fired[t + 1];
                for (int g = 0; g < properties; g++) local.Tp[t * properties + g] += local.Tp[(t + 1) * properties + g];
            }
            long found = 0;
            for (int g = 0; g < properties; g++)
            {
                long at = (long)a * properties + g;
                double positives = truth.Positives[g];
                for (int t = 0; t < thresholds; t++)
                {
                    int tp = local.Tp[t * properties + g], fired = local.Fired[t];
                    if (tp == 0) continue;
                    double score = 2.0 * tp / (fired + positives);
                    ref double bestAtT = ref local.Best[t * properties + g];
                    if (score > bestAtT) bestAtT = score;
                    if (score > f1[at])
                    {
                        (f1[at], bestT[at], bestTp[at], bestFired[at]) = (score, (byte)t, tp, fired);
                    }
                    if (truth.IsScored(g) && tp >= options.MinFirings && (double)tp / fired >= options.MinPrecision)
                    {
                        result.Labels[((long)a * thresholds + t) * words + g / 64] |= 1UL << (g % 64);
                        found++;
                    }
                }
            }
            Interlocked.Add(ref classifiers, found);
            return local;
        }, local =>
        {
            lock (gate)
                for (int i = 0; i < local.Best.Length; i++) result.BestF1ByThreshold[i] = Math.Max(result.BestF1ByThreshold[i], local.Best[i]);
        });
        result.ClassifierCount = classifiers;

        // The best feature of each property; ties go to the lower feature (and, within a feature, to the lower threshold).
        var best = new double[properties];
        for (int a = 0; a < alive; a++)
            for (int g = 0; g < properties; g++)
            {
                long at = (long)a * properties + g;
                if (f1[at] > best[g])
                {
                    best[g] = f1[at];
                    (result._feature[g], result._threshold[g], result._truePositives[g], result._firings[g]) = (a, bestT[at], bestTp[at], bestFired[at]);
                }
            }
        return result;
    }
}
