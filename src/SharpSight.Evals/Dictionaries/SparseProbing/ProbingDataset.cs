using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>
/// Examples of one split of a probing dataset: each example is one or more consecutive rows of model activations (the
/// tokens it is pooled over: one position of an Othello game, the non-special tokens of a text) and a class.
/// Owns <see cref="TokenActivations"/>.
/// </summary>
public sealed class ProbingSplit : IDisposable
{
    private readonly int[] _tokenCounts;
    private readonly int[] _labels;
    private readonly string[]? _sources;

    /// <summary>
    /// Creates a split; takes ownership of <paramref name="tokenActivations"/> (detaches it from any dispose scope; one that is
    /// not float32 on the CPU is converted and disposed).
    /// </summary>
    /// <param name="tokenActivations">Model activations [T, d] (float32, CPU), the examples' tokens one after another.</param>
    /// <param name="tokenCounts">Tokens per example (each ≥ 1), summing to T.</param>
    /// <param name="labels">Class index per example (≥ 0).</param>
    /// <param name="sources">Where each example came from (e.g. "game 3, move 17", "line 12"), or null.</param>
    public ProbingSplit(Tensor tokenActivations, IReadOnlyList<int> tokenCounts, IReadOnlyList<int> labels, IReadOnlyList<string>? sources = null)
    {
        if (sources is not null && sources.Count != labels.Count) throw new ArgumentException($"sources ({sources.Count}) must have one entry per example ({labels.Count})");
        if (tokenActivations.dim() != 2) throw new ArgumentException($"token activations must be [tokens, d], got [{string.Join(", ", tokenActivations.shape)}]");
        if (tokenCounts.Count != labels.Count) throw new ArgumentException($"token counts ({tokenCounts.Count}) and labels ({labels.Count}) must have one entry per example");
        if (tokenCounts.Any(c => c < 1)) throw new ArgumentException("token counts must be at least 1 per example");
        if (labels.Any(l => l < 0)) throw new ArgumentException("labels must be class indices ≥ 0");
        long total = tokenCounts.Sum(c => (long)c);
        if (total != tokenActivations.shape[0]) throw new ArgumentException($"token counts sum to {total} but there are {tokenActivations.shape[0]} token activations");
        if (tokenActivations.dtype == ScalarType.Float32 && tokenActivations.device_type == TorchSharp.DeviceType.CPU)
            TokenActivations = tokenActivations.DetachFromDisposeScope();
        else
        {
            TokenActivations = tokenActivations.to(ScalarType.Float32, CPU).DetachFromDisposeScope();
            tokenActivations.Dispose();
        }
        _tokenCounts = [.. tokenCounts];
        _labels = [.. labels];
        _sources = sources is null ? null : [.. sources];
    }

    /// <summary>A split with one activation row per example (no pooling): <paramref name="activations"/> [N, d].</summary>
    public static ProbingSplit OnePerExample(Tensor activations, IReadOnlyList<int> labels, IReadOnlyList<string>? sources = null) =>
        new(activations, Enumerable.Repeat(1, labels.Count).ToArray(), labels, sources);

    /// <summary>Model activations [T, d] of every pooled token.</summary>
    public Tensor TokenActivations { get; }

    /// <summary>Tokens pooled per example.</summary>
    public IReadOnlyList<int> TokenCounts => _tokenCounts;

    /// <summary>Class index per example.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>Where each example came from, when known.</summary>
    public IReadOnlyList<string>? Sources => _sources;

    /// <summary>Number of examples.</summary>
    public int Count => _labels.Length;

    /// <summary>Activation size d.</summary>
    public long Dimension => TokenActivations.shape[1];

    /// <summary>Model activations mean-pooled over each example's tokens [N, d] (float32).</summary>
    public Tensor MeanPooled() => MeanPooled(rows => rows.alias());

    /// <summary>
    /// <paramref name="encode"/> applied to the token activations (in chunks of about <paramref name="tokensPerChunk"/>
    /// tokens, whole examples each) and mean-pooled over each example's tokens [N, width] (float32). Pooling after
    /// encoding is what SAEBench does: a dictionary's features are averaged over tokens, not computed from the average.
    /// </summary>
    public Tensor MeanPooled(Func<Tensor, Tensor> encode, int tokensPerChunk = 8192)
    {
        using var noGrad = no_grad();
        var pooled = new List<Tensor>();
        try
        {
            int example = 0;
            long token = 0;
            while (example < Count)
            {
                using var scope = NewDisposeScope();
                int first = example;
                long chunkTokens = 0;
                while (example < Count && (example == first || chunkTokens + _tokenCounts[example] <= tokensPerChunk))
                    chunkTokens += _tokenCounts[example++];
                Tensor encoded = encode(TokenActivations.narrow(0, token, chunkTokens)).to(ScalarType.Float32);
                pooled.Add(Pool(encoded, first, example).MoveToOuterDisposeScope());
                token += chunkTokens;
            }
            return pooled.Count == 0 ? zeros(0, TokenActivations.shape[1]) : cat(pooled, 0);
        }
        finally
        {
            foreach (Tensor t in pooled) t.Dispose();
        }
    }

    // Means of the rows of examples first..end-1 (one token each: the rows themselves). scatter_add, not index_add: the
    // latter takes a Scalar, and TorchSharp's implicit Scalars can be freed by the finalizer during the call.
    private Tensor Pool(Tensor encoded, int first, int end)
    {
        if (encoded.shape[0] == end - first) return encoded;
        var owner = new long[encoded.shape[0]];
        var counts = new float[end - first];
        for (int e = first, at = 0; e < end; e++)
        {
            counts[e - first] = _tokenCounts[e];
            for (int k = 0; k < _tokenCounts[e]; k++) owner[at++] = e - first;
        }
        Tensor index = tensor(owner).unsqueeze(1).expand(encoded.shape[0], encoded.shape[1]);
        Tensor sums = zeros(end - first, encoded.shape[1]).scatter_add_(0, index, encoded);
        return sums / tensor(counts).unsqueeze(1);
    }

    /// <inheritdoc />
    public void Dispose() => TokenActivations.Dispose();
}

/// <summary>
/// A classification task for sparse probing (SAEBench): train and test examples with model activations and a class each
/// (at most 5 classes, as in SAEBench). Owns its splits.
/// </summary>
public sealed class ProbingDataset : IDisposable
{
    /// <summary>Largest number of classes per dataset (SAEBench keeps at most 5).</summary>
    public const int MaxClasses = 5;

    /// <summary>Creates a dataset; takes ownership of the splits.</summary>
    /// <param name="name">Dataset name as written to results, e.g. "othello_mine_c3".</param>
    /// <param name="train">Training examples.</param>
    /// <param name="test">Test examples.</param>
    /// <param name="classNames">Names of the classes, by index (2..5).</param>
    public ProbingDataset(string name, ProbingSplit train, ProbingSplit test, IReadOnlyList<string> classNames)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("dataset name must not be empty");
        if (classNames.Count is < 2 or > MaxClasses) throw new ArgumentException($"dataset '{name}': needs 2..{MaxClasses} classes, got {classNames.Count}");
        if (train.Dimension != test.Dimension) throw new ArgumentException($"dataset '{name}': train activations have d = {train.Dimension}, test d = {test.Dimension}");
        foreach ((string splitName, ProbingSplit split) in new[] { ("train", train), ("test", test) })
            if (split.Labels.Any(l => l >= classNames.Count))
                throw new ArgumentException($"dataset '{name}': a {splitName} label is ≥ the number of classes ({classNames.Count})");
        Name = name;
        Train = train;
        Test = test;
        ClassNames = [.. classNames];
    }

    /// <summary>A dataset with one activation row per example: train [N, d] and test [M, d] activations.</summary>
    public static ProbingDataset FromRows(string name, Tensor trainActivations, IReadOnlyList<int> trainLabels,
        Tensor testActivations, IReadOnlyList<int> testLabels, IReadOnlyList<string> classNames) =>
        new(name, ProbingSplit.OnePerExample(trainActivations, trainLabels), ProbingSplit.OnePerExample(testActivations, testLabels), classNames);

    /// <summary>Dataset name.</summary>
    public string Name { get; }

    /// <summary>Training examples.</summary>
    public ProbingSplit Train { get; }

    /// <summary>Test examples.</summary>
    public ProbingSplit Test { get; }

    /// <summary>Class names by index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Activation size d.</summary>
    public long Dimension => Train.Dimension;

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
