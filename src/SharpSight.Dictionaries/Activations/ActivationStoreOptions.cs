namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// What an <see cref="ActivationStore"/> reads and how it serves it. The defaults follow SAELens (batches of 4,096
/// activations, a buffer of 2^18, forward passes of 32 contexts).
/// </summary>
public sealed record ActivationStoreOptions
{
    /// <summary>The hook point to read, e.g. "blocks.3.hook_resid_post" (TransformerLens names).</summary>
    public required string Hook { get; init; }

    /// <summary>
    /// The width the caller expects (the SAE's d_in); null to accept the hook's. A hook whose value is
    /// [batch, pos, heads, d_head] is served flattened, d_in = heads × d_head.
    /// </summary>
    public int? DIn { get; init; }

    /// <summary>Activations per served batch.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>
    /// Activations the shuffling buffer holds at most (N). It refills with N/2 fresh activations whenever it is down to N/2,
    /// and every activation is served within two refills of arriving (see <see cref="ActivationStore"/>).
    /// </summary>
    public int BufferSize { get; init; } = 1 << 18;

    /// <summary>Contexts per forward pass of the model. Part of what makes batches reproducible: keep it when resuming.</summary>
    public int ModelBatchSize { get; init; } = 32;

    /// <summary>Seed of the shuffle; the same seed, source and options give the same batches.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Leave positions holding the source's BOS out of the served activations; null (the default) does so whenever the
    /// source prepends BOS (<see cref="ITokenSource.BosId"/>). Padding positions are always left out.
    /// </summary>
    public bool? ExcludeBos { get; init; }

    /// <summary>Stop the activation stream after this many activations (null: when the source ends).</summary>
    public long? MaxActivations { get; init; }

    /// <summary>The batch to start at (resume a training run at its next step); see <see cref="ActivationStore.Seek"/>.</summary>
    public long StartBatch { get; init; }

    /// <summary>Serve the last batch even when fewer than <see cref="BatchSize"/> activations are left (default: drop it).</summary>
    public bool KeepLastPartialBatch { get; init; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Hook, nameof(Hook));
        if (DIn is < 1) throw new ArgumentOutOfRangeException(nameof(DIn), DIn, "must be positive");
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferSize, 6, nameof(BufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ModelBatchSize, 1, nameof(ModelBatchSize));
        if (MaxActivations is < 0) throw new ArgumentOutOfRangeException(nameof(MaxActivations), MaxActivations, "must not be negative");
        ArgumentOutOfRangeException.ThrowIfNegative(StartBatch, nameof(StartBatch));
    }

    /// <summary>Whether BOS positions are left out for this source.</summary>
    internal bool ExcludesBos(ITokenSource source) => source.BosId is not null && (ExcludeBos ?? true);
}

/// <summary>What the activation store or the cache writer is doing.</summary>
public enum ActivationPhase
{
    /// <summary>Running the model (or reading the cache) to refill the shuffling buffer.</summary>
    Filling,

    /// <summary>Seeking: reading through the source to the position of a resumed batch.</summary>
    Seeking,

    /// <summary>Writing activations to an on-disk cache.</summary>
    Caching,
}

/// <summary>A progress report of the activation store or cache writer.</summary>
/// <param name="Phase">What is being done.</param>
/// <param name="Contexts">Windows read from the token source so far (0 when reading a cache).</param>
/// <param name="Tokens">Real tokens in them.</param>
/// <param name="Activations">Activations taken from the stream so far (in stream order, skipped ones included).</param>
/// <param name="Batches">Batches served so far (the index of the next batch).</param>
public readonly record struct ActivationProgress(ActivationPhase Phase, long Contexts, long Tokens, long Activations, long Batches);
