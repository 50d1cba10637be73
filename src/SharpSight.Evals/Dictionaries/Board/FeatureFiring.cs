namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// Where each alive feature fires on the training positions, and how strongly: the level of a firing is the highest
/// threshold index t with f(x) &gt; thresholds[t] · max f, so φ_{f,t} fires exactly at the firings of level ≥ t. Stored
/// per feature (compressed columns), so features can be counted independently and in parallel.
/// </summary>
internal sealed class FeatureFiring
{
    private readonly double[] _cuts;   // [alive, thresholds]: thresholds[t] · max f
    private readonly int _thresholds;

    private FeatureFiring(int[] alive, int[] aliveIndex, double[] cuts, int thresholds, int[] columnStart, int[] rows, byte[] levels)
    {
        Alive = alive;
        AliveIndex = aliveIndex;
        _cuts = cuts;
        _thresholds = thresholds;
        ColumnStart = columnStart;
        Rows = rows;
        Levels = levels;
    }

    /// <summary>Features positive on at least one training position, ascending.</summary>
    public int[] Alive { get; }

    /// <summary>Per feature, its index in <see cref="Alive"/>, or -1.</summary>
    public int[] AliveIndex { get; }

    /// <summary>[alive + 1]: alive feature a's firings are entries ColumnStart[a] .. ColumnStart[a + 1] - 1.</summary>
    public int[] ColumnStart { get; }

    /// <summary>The training row of each firing.</summary>
    public int[] Rows { get; }

    /// <summary>The level of each firing.</summary>
    public byte[] Levels { get; }

    /// <summary>The level of a value of alive feature a: the highest t with value &gt; thresholds[t] · max f, or -1.</summary>
    public int Level(int a, float value)
    {
        ReadOnlySpan<double> cuts = _cuts.AsSpan(a * _thresholds, _thresholds);
        for (int t = cuts.Length - 1; t >= 0; t--)
            if (value > cuts[t]) return t;
        return -1;
    }

    public static FeatureFiring Of(SparseFeatureRows train, double[] thresholds)
    {
        if (thresholds.Length > byte.MaxValue) throw new ArgumentException($"at most {byte.MaxValue} thresholds, got {thresholds.Length}");
        var max = new float[train.Width];
        for (int x = 0; x < train.Rows; x++)
        {
            ReadOnlySpan<int> features = train.FeaturesOf(x);
            ReadOnlySpan<float> values = train.ValuesOf(x);
            for (int i = 0; i < features.Length; i++) max[features[i]] = Math.Max(max[features[i]], values[i]);
        }
        int[] alive = [.. Enumerable.Range(0, train.Width).Where(f => max[f] > 0)];
        var aliveIndex = Enumerable.Repeat(-1, train.Width).ToArray();
        for (int a = 0; a < alive.Length; a++) aliveIndex[alive[a]] = a;
        var cuts = new double[alive.Length * thresholds.Length];
        for (int a = 0; a < alive.Length; a++)
            for (int t = 0; t < thresholds.Length; t++) cuts[a * thresholds.Length + t] = thresholds[t] * max[alive[a]];

        var firing = new FeatureFiring(alive, aliveIndex, cuts, thresholds.Length, new int[alive.Length + 1], [], []);
        // Two passes over the rows: count each feature's firings, then place them.
        var counts = new int[alive.Length];
        firing.ForEachFiring(train, (a, _, _) => counts[a]++);
        for (int a = 0; a < alive.Length; a++) firing.ColumnStart[a + 1] = firing.ColumnStart[a] + counts[a];
        var rows = new int[firing.ColumnStart[^1]];
        var levels = new byte[rows.Length];
        var next = firing.ColumnStart[..^1];
        firing.ForEachFiring(train, (a, x, level) =>
        {
            rows[next[a]] = x;
            levels[next[a]++] = (byte)level;
        });
        return new FeatureFiring(alive, aliveIndex, cuts, thresholds.Length, firing.ColumnStart, rows, levels);
    }

    private void ForEachFiring(SparseFeatureRows train, Action<int, int, int> action)
    {
        for (int x = 0; x < train.Rows; x++)
        {
            ReadOnlySpan<int> features = train.FeaturesOf(x);
            ReadOnlySpan<float> values = train.ValuesOf(x);
            for (int i = 0; i < features.Length; i++)
            {
                int a = AliveIndex[features[i]];
                if (a < 0) continue;
                int level = Level(a, values[i]);
                if (level >= 0) action(a, x, level);
            }
        }
    }
}
