namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// Builds feature dashboards: the features chosen are the best classifiers of distinct properties, best F1 first; each
/// gets the histogram of its non-zero test activations and its top-activating test positions with their games.
/// </summary>
internal static class FeatureDashboards
{
    /// <summary>Up to <paramref name="count"/> (feature, the property it was chosen for): properties by training F1, descending, each feature once.</summary>
    public static IReadOnlyList<(int Feature, PropertyScore Property)> Choose(BoardMetrics metrics, int count)
    {
        var chosen = new List<(int, PropertyScore)>();
        var seen = new HashSet<int>();
        foreach (PropertyScore score in metrics.PerProperty.Where(p => p.Feature is not null && p.F1 > 0).OrderByDescending(p => p.F1))
        {
            if (chosen.Count == count) break;
            if (seen.Add(score.Feature!.Value)) chosen.Add((score.Feature.Value, score));
        }
        return chosen;
    }

    /// <summary>The dashboards of the chosen features.</summary>
    /// <param name="metrics">The dictionary's metrics (which features classify which properties).</param>
    /// <param name="test">Its features on the test read points.</param>
    /// <param name="split">The test games.</param>
    /// <param name="options">How many dashboards, contexts and bins.</param>
    /// <param name="trace">Per game, the chosen features' activations at every token ([feature][token]).</param>
    public static IReadOnlyList<FeatureDashboard> Build(BoardMetrics metrics, SparseFeatureRows test, BoardGameSplit split, BoardEvalOptions options,
        Func<IReadOnlyCollection<int>, int[], Dictionary<int, float[][]>> trace)
    {
        var chosen = Choose(metrics, options.Dashboards);
        if (chosen.Count == 0) return [];
        int[] features = [.. chosen.Select(c => c.Feature)];
        var slot = features.Select((f, k) => (f, k)).ToDictionary(p => p.f, p => p.k);

        // One pass over the test rows: every non-zero activation of the chosen features.
        var firings = features.Select(_ => new List<(int Row, float Value)>()).ToArray();
        for (int x = 0; x < test.Rows; x++)
        {
            ReadOnlySpan<int> row = test.FeaturesOf(x);
            ReadOnlySpan<float> values = test.ValuesOf(x);
            for (int i = 0; i < row.Length; i++)
                if (slot.TryGetValue(row[i], out int k)) firings[k].Add((x, values[i]));
        }
        var top = firings.Select(f => f.OrderByDescending(e => e.Value).ThenBy(e => e.Row).Take(options.DashboardContexts).ToArray()).ToArray();
        var games = top.SelectMany(t => t.Select(e => split.Locate(e.Row).Game)).ToHashSet();
        Dictionary<int, float[][]> traces = trace(games, features);

        var dashboards = new List<FeatureDashboard>();
        for (int k = 0; k < features.Length; k++)
        {
            (int feature, PropertyScore property) = chosen[k];
            float[] values = [.. firings[k].Select(e => e.Value)];
            (double[] edges, long[] counts) = Histogram(values, options.HistogramBins);
            var contexts = top[k].Select(e => Context(split, e.Row, e.Value, traces, k)).ToArray();
            dashboards.Add(new FeatureDashboard(feature, test.Rows == 0 ? double.NaN : (double)values.Length / test.Rows,
                values.Length == 0 ? double.NaN : values.Max(), property.Property, property.Group, property.F1, property.Threshold, edges, counts, contexts));
        }
        return dashboards;
    }

    /// <summary>Equal-width bins from min(0, smallest) to the largest value.</summary>
    public static (double[] Edges, long[] Counts) Histogram(float[] values, int bins)
    {
        double low = values.Length == 0 ? 0 : Math.Min(0, values.Min()), high = values.Length == 0 ? 1 : values.Max();
        if (high <= low) high = low + 1;
        double[] edges = [.. Enumerable.Range(0, bins + 1).Select(i => low + (high - low) * i / bins)];
        var counts = new long[bins];
        foreach (float v in values) counts[Math.Clamp((int)((v - low) / (high - low) * bins), 0, bins - 1)]++;
        return (edges, counts);
    }

    private static DashboardContext Context(BoardGameSplit split, int row, float value, Dictionary<int, float[][]> traces, int slot)
    {
        (int game, int ordinal) = split.Locate(row);
        int position = split.ReadIndices(game)[ordinal];
        BoardView board = split.Describe(game, ordinal);
        return new DashboardContext(game, position, value, [.. split.TokenTexts(game).Take(position + 1)],
            [.. traces[game][slot].Take(position + 1).Select(v => (double)v)], board.ToMove, board.Board, board.Legal, board.Fen);
    }
}
