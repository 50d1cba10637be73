using SharpSight.Dictionaries;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>
/// SAEBench's sparse probing: for every dataset and every class, a balanced one-versus-rest problem
/// (<see cref="OneVersusRest"/>) on mean-pooled activations; logistic-regression probes (<see cref="LogisticRegression"/>,
/// L2, C = 1, no standardisation) on all dimensions and on the top-k dimensions by mean difference
/// (<see cref="MeanDifferenceRanking"/>), once on the model's activations ("llm") and once on the dictionary's pooled
/// latents ("sae"); test accuracies averaged over classes, then datasets.
/// </summary>
/// <remarks>
/// Dictionary features are read with their decoder norms folded in (<see cref="SparseProbingOptions.FoldDecoderNorms"/>),
/// as SAEBench does for SAELens dictionaries. Differences from SAEBench: the all-dimension probes are the same exact L2 logistic regression as the top-k probes
/// (SAEBench trains those with AdamW for up to 100 epochs and keeps the best test accuracy, which is optimistic); the
/// one-versus-rest samples are drawn once per class and shared by the llm and sae probes; a two-class dataset is probed
/// for its first class only, since the second class's problem is the same one with the labels swapped.
/// </remarks>
public static class SparseProbingEvaluation
{
    /// <summary>The probes on model activations for every dataset; reuse it across dictionaries.</summary>
    public static SparseProbingBaseline ModelBaseline(IReadOnlyList<ProbingDataset> datasets, SparseProbingOptions? options = null, IProgress<string>? progress = null)
    {
        options ??= new SparseProbingOptions();
        options.Validate();
        CheckDatasets(datasets);
        var classes = new List<IReadOnlyList<ClassProbing>>();
        for (int i = 0; i < datasets.Count; i++)
        {
            progress?.Report($"sparse probing: model activations, {datasets[i].Name} ({i + 1}/{datasets.Count})");
            using Tensor train = datasets[i].Train.MeanPooled();
            using Tensor test = datasets[i].Test.MeanPooled();
            classes.Add(ProbeClasses(datasets[i], train, test, probeAll: true, options));
        }
        return new SparseProbingBaseline([.. datasets.Select(d => d.Name)], classes, options);
    }

    /// <summary>
    /// Sparse probing of <paramref name="dictionary"/>: its features pooled over each example's tokens; the model-activation
    /// metrics come from <paramref name="baseline"/> when given (computed otherwise).
    /// </summary>
    /// <exception cref="ArgumentException">The dictionary's d_in differs from the datasets', or the baseline was made for other datasets or settings.</exception>
    public static SparseProbingResult Evaluate(SparseDictionary dictionary, IReadOnlyList<ProbingDataset> datasets, SparseProbingOptions? options = null,
        SparseProbingBaseline? baseline = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        options ??= new SparseProbingOptions();
        options.Validate();
        CheckDatasets(datasets);
        if (datasets[0].Dimension != dictionary.InputSize)
            throw new ArgumentException($"dictionary d_in {dictionary.InputSize} differs from the datasets' activation size {datasets[0].Dimension}");
        if (options.Ks.Max() > dictionary.Width) throw new ArgumentException($"Ks: k = {options.Ks.Max()} exceeds the dictionary's width {dictionary.Width}");
        baseline ??= ModelBaseline(datasets, options, progress);
        CheckBaseline(baseline, datasets, options);

        var results = new List<DatasetProbing>();
        using var noGrad = no_grad();
        using Tensor? scales = options.FoldDecoderNorms && dictionary.Config.Architecture != DictionaryArchitecture.TopK ? dictionary.DecoderNorms().detach() : null;
        Func<Tensor, Tensor> encode = rows =>
        {
            Tensor features = dictionary.Encode(rows.to(dictionary.DecoderBias.device));
            return (scales is null ? features : features.mul(scales)).cpu();
        };
        for (int i = 0; i < datasets.Count; i++)
        {
            progress?.Report($"sparse probing: dictionary latents, {datasets[i].Name} ({i + 1}/{datasets.Count})");
            using Tensor train = datasets[i].Train.MeanPooled(encode, options.EncodeTokensPerChunk);
            using Tensor test = datasets[i].Test.MeanPooled(encode, options.EncodeTokensPerChunk);
            results.Add(new DatasetProbing(datasets[i].Name, baseline.Classes[i], ProbeClasses(datasets[i], train, test, options.ProbeAllLatents, options)));
        }
        return new SparseProbingResult(results, options.Ks, options);
    }

    // The probes of every evaluated class of one dataset on pooled features train [N, F] and test [M, F].
    private static List<ClassProbing> ProbeClasses(ProbingDataset dataset, Tensor train, Tensor test, bool probeAll, SparseProbingOptions options)
    {
        int classes = dataset.ClassNames.Count == 2 ? 1 : dataset.ClassNames.Count;
        var results = new List<ClassProbing>();
        for (int c = 0; c < classes; c++)
        {
            using var scope = NewDisposeScope();
            BinaryProblem trainProblem = OneVersusRest.Sample(dataset.Train.Labels, c, ProblemSeed(options.Seed, dataset.Name, c, 0));
            BinaryProblem testProblem = OneVersusRest.Sample(dataset.Test.Labels, c, ProblemSeed(options.Seed, dataset.Name, c, 1));
            Tensor xTrain = train.index_select(0, tensor(trainProblem.Indices.Select(i => (long)i).ToArray()));
            Tensor xTest = test.index_select(0, tensor(testProblem.Indices.Select(i => (long)i).ToArray()));
            Tensor yTrain = tensor(trainProblem.IsClass.ToArray());
            Tensor yTest = tensor(testProblem.IsClass.ToArray());

            double all = probeAll ? LogisticRegression.Fit(xTrain, yTrain, options.ProbeOptions).Accuracy(xTest, yTest) : double.NaN;
            int[] ranked = MeanDifferenceRanking.Top(xTrain, yTrain, Math.Min(options.Ks.Max(), (int)xTrain.shape[1]));
            var topK = new Dictionary<int, double>();
            foreach (int k in options.Ks)
            {
                if (k > ranked.Length) throw new ArgumentException($"Ks: k = {k} exceeds the {ranked.Length} dimensions of dataset '{dataset.Name}'");
                Tensor columns = tensor(ranked.Take(k).Select(i => (long)i).ToArray());
                topK[k] = LogisticRegression.Fit(xTrain.index_select(1, columns), yTrain, options.ProbeOptions).Accuracy(xTest.index_select(1, columns), yTest);
            }
            results.Add(new ClassProbing(dataset.ClassNames[c], new ProbeAccuracies(all, topK), ranked));
        }
        return results;
    }

    // A seed per (dataset, class, split) that does not depend on the process (string hashes do).
    private static int ProblemSeed(int seed, string dataset, int classIndex, int split)
    {
        uint hash = 2166136261;
        foreach (char ch in $"{seed}/{dataset}/{classIndex}/{split}") hash = (hash ^ ch) * 16777619;
        return (int)(hash & 0x7fffffff);
    }

    private static void CheckDatasets(IReadOnlyList<ProbingDataset> datasets)
    {
        if (datasets.Count == 0) throw new ArgumentException("datasets: need at least one dataset");
        if (datasets.Select(d => d.Name).Distinct().Count() != datasets.Count)
            throw new ArgumentException($"datasets: names must be distinct, got [{string.Join(", ", datasets.Select(d => d.Name))}]");
        if (datasets.Any(d => d.Dimension != datasets[0].Dimension))
            throw new ArgumentException($"datasets: activation sizes differ ([{string.Join(", ", datasets.Select(d => d.Dimension))}])");
    }

    private static void CheckBaseline(SparseProbingBaseline baseline, IReadOnlyList<ProbingDataset> datasets, SparseProbingOptions options)
    {
        if (!baseline.DatasetNames.SequenceEqual(datasets.Select(d => d.Name)))
            throw new ArgumentException($"baseline: made for datasets [{string.Join(", ", baseline.DatasetNames)}], not [{string.Join(", ", datasets.Select(d => d.Name))}]");
        if (!baseline.Options.Ks.SequenceEqual(options.Ks) || baseline.Options.Seed != options.Seed || baseline.Options.C != options.C)
            throw new ArgumentException("baseline: made with other Ks, seed or C than these options");
    }
}
