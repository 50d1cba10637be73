namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>Settings of the sparse-probing evaluation (SAEBench's SparseProbingEvalConfig where it has one).</summary>
public sealed record SparseProbingOptions
{
    /// <summary>Numbers of dimensions the top-k probes read (SAEBench k_values).</summary>
    public IReadOnlyList<int> Ks { get; init; } = [1, 2, 5];

    /// <summary>Inverse L2 strength of every probe (scikit-learn's C; SAEBench uses the default 1).</summary>
    public double C { get; init; } = 1.0;

    /// <summary>Seed of the one-versus-rest sampling (SAEBench random_seed).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Also fit a probe on every latent (sae_test_accuracy). It is the costly probe (d_sae features); its cost is bounded by
    /// <see cref="Solver"/>'s iteration limits. When false the metric is written as null.
    /// </summary>
    public bool ProbeAllLatents { get; init; } = true;

    /// <summary>
    /// Read every feature times its decoder row's norm, as SAEBench reads SAELens dictionaries after fold_W_dec_norm (the
    /// same values folding gives for ReLU, JumpReLU, Gated and thresholded BatchTopK). TopK dictionaries are read as they
    /// are: folding would change their top-k selection, and SAELens refuses to fold them. Matters only for dictionaries
    /// whose decoder rows are not unit vectors: mean-difference ranking and the penalty both depend on each latent's scale.
    /// </summary>
    public bool FoldDecoderNorms { get; init; } = true;

    /// <summary>Solver settings of the probes; its C is replaced by <see cref="C"/>.</summary>
    public LogisticRegressionOptions Solver { get; init; } = new();

    /// <summary>Tokens encoded by the dictionary at once when pooling its features.</summary>
    public int EncodeTokensPerChunk { get; init; } = 8192;

    internal LogisticRegressionOptions ProbeOptions => Solver with { C = C };

    internal void Validate()
    {
        if (Ks.Count == 0 || Ks.Any(k => k < 1)) throw new ArgumentException($"Ks must be positive, got [{string.Join(", ", Ks)}]");
        if (Ks.Distinct().Count() != Ks.Count) throw new ArgumentException($"Ks must be distinct, got [{string.Join(", ", Ks)}]");
        if (EncodeTokensPerChunk < 1) throw new ArgumentException($"encode tokens per chunk must be positive, got {EncodeTokensPerChunk}");
        ProbeOptions.Validate();
    }
}
