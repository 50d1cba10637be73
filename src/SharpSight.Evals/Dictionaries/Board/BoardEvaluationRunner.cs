using SharpSight.Dictionaries;
using SharpSight.Evals.Probing;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>The board evaluation of either game: collect activations once, then score each dictionary, or fit the reference probes.</summary>
internal static class BoardEvaluationRunner
{
    public static IReadOnlyList<BoardResult> Run(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries,
        BoardGameSplit train, BoardGameSplit test, int vocabulary, BoardEvalOptions? options, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(dictionaries);
        options ??= new BoardEvalOptions();
        options.Validate();
        Check(model, hook, train, test, vocabulary);
        long d = model.Hooks[hook].Shape.Dims[2].Size;
        for (int i = 0; i < dictionaries.Count; i++)
            if (dictionaries[i].InputSize != d)
                throw new ArgumentException($"dictionaries[{i}] reads {dictionaries[i].InputSize}-d activations but hook '{hook}' has {d}");

        progress?.Report($"{train.Game}: collecting activations at {hook} ({train.Games} train, {test.Games} test games)");
        using Tensor trainActs = BoardActivations.Collect(model, hook, train, options.BatchGames);
        using Tensor testActs = BoardActivations.Collect(model, hook, test, options.BatchGames);
        using BoardProperties trainProperties = train.Properties(), testProperties = test.Properties();
        var results = new List<BoardResult>();
        for (int i = 0; i < dictionaries.Count; i++)
        {
            progress?.Report($"{train.Game}: dictionary {i + 1}/{dictionaries.Count}");
            SparseDictionary dictionary = dictionaries[i];
            SparseFeatureRows trainFeatures = BoardActivations.Encode(dictionary, trainActs);
            SparseFeatureRows testFeatures = BoardActivations.Encode(dictionary, testActs);
            BoardMetrics metrics = FeatureClassifiers.Evaluate(trainFeatures, trainProperties, testFeatures, testProperties, options);
            var dashboards = FeatureDashboards.Build(metrics, testFeatures, test, options,
                (games, features) => BoardActivations.Trace(model, hook, dictionary, test, games, features));
            results.Add(new BoardResult(train.Game, train.Games, test.Games, options, metrics, dashboards));
        }
        return results;
    }

    /// <summary>
    /// The linear-probe reference row: per probe head (<see cref="BoardGameSplit.ProbeHeads"/>) a probe per square fitted
    /// on the training read points, its test predictions turned into properties and scored as predictions.
    /// </summary>
    public static BoardResult RunProbe(TransformerModel model, string hook, BoardGameSplit train, BoardGameSplit test, int vocabulary,
        ProbeOptions? probeOptions, BoardEvalOptions? options, IProgress<string>? progress)
    {
        options ??= new BoardEvalOptions();
        options.Validate();
        Check(model, hook, train, test, vocabulary);
        progress?.Report($"{train.Game}: collecting activations at {hook} for the linear probes");
        using Tensor trainActs = BoardActivations.Collect(model, hook, train, options.BatchGames);
        using Tensor testActs = BoardActivations.Collect(model, hook, test, options.BatchGames);
        using BoardProperties trainProperties = train.Properties(), testProperties = test.Properties();
        var predicted = new bool[testProperties.Positions * testProperties.Count];
        foreach (IReadOnlyList<string> head in train.ProbeHeads)
        {
            progress?.Report($"{train.Game}: fitting the {string.Join("/", head)} probes");
            int[][] properties = [.. head.Select(group => PropertiesOf(trainProperties, group))];
            using Tensor labels = Labels(trainProperties, properties);
            using LinearProbe probe = LinearProbe.Fit(trainActs, labels, head.Count == 1 ? 2 : head.Count, probeOptions);
            using Tensor classes = probe.Predict(testActs);
            long[] flat = classes.data<long>().ToArray();
            int squares = properties[0].Length;
            for (long x = 0; x < testProperties.Positions; x++)
                for (int s = 0; s < squares; s++)
                {
                    long c = flat[x * squares + s];
                    if (head.Count == 1) { if (c == 1) predicted[x * testProperties.Count + properties[0][s]] = true; }
                    else predicted[x * testProperties.Count + properties[c][s]] = true;
                }
        }
        using Tensor predictions = tensor(predicted, [testProperties.Positions, testProperties.Count]);
        return new BoardResult(train.Game, train.Games, test.Games, options, FeatureClassifiers.EvaluatePredictions(predictions, testProperties), null);
    }

    private static void Check(TransformerModel model, string hook, BoardGameSplit train, BoardGameSplit test, int vocabulary)
    {
        if (train.Games == 0) throw new ArgumentException("trainGames is empty");
        if (test.Games == 0) throw new ArgumentException("testGames is empty");
        BoardActivations.CheckModel(model, hook, train, vocabulary);
        BoardActivations.CheckModel(model, hook, test, vocabulary);
    }

    // The properties of one group, in order (one per square).
    private static int[] PropertiesOf(BoardProperties properties, string group) =>
        [.. Enumerable.Range(0, properties.Count).Where(g => properties.Groups[g] == group)];

    // Class labels [positions, squares]: for a single group 1 where it holds, else 0; for several, the index of the group that holds.
    private static Tensor Labels(BoardProperties properties, int[][] groups)
    {
        using var scope = NewDisposeScope();
        Tensor values = properties.Values;
        Tensor labels = groups.Length == 1
            ? values.index_select(1, tensor(groups[0].Select(g => (long)g).ToArray())).to(ScalarType.Int64)
            : stack([.. groups.Select(group => values.index_select(1, tensor(group.Select(g => (long)g).ToArray())))], 2).to(ScalarType.Int64).argmax(2);
        return labels.MoveToOuterDisposeScope();
    }
}
