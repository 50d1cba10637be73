using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// Batches of activation vectors [batch, d_in] (float32, CPU) taken at one hook point of a model over a token source, in a
/// seeded shuffled order, for training sparse autoencoders. It runs the model (no gradients, a batch of contexts per pass,
/// stopping right after the hook) or reads an <see cref="ActivationDiskCache"/>; padding positions, and BOS positions when
/// the source prepends BOS, are never served.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> A shuffling buffer of <see cref="ActivationStoreOptions.BufferSize"/> N activations refills with N/2
/// fresh ones whenever it is down to N/2, like SAELens' mixing buffer and dictionary_learning's buffer; unlike theirs, an
/// activation never stays longer than two refills, which bounds how far back the buffer's state reaches. The order is a
/// function of the seed and the activation stream only: the same seed, source and options give the same batches, and
/// a cache gives the same batches as the model it was written from.</para>
/// <para><b>Resume.</b> <see cref="Seek"/> (or <see cref="ActivationStoreOptions.StartBatch"/>) rebuilds the state in front
/// of any batch by bounded replay: it skips the stream to two refills before the batch (a cache seeks to it; a model reads
/// through the source, running only the one forward pass the skip ends in), refills those two chunks and goes on. The
/// batches from there are bit-identical to an uninterrupted run with the same options (same model batch size and libtorch
/// threads), at the cost of about one buffer fill of model work, whatever the batch index. Nothing has to be saved with a
/// training checkpoint but the batch index.</para>
/// <para><b>Memory.</b> The buffer (N × d_in floats), the index tensors and the bookkeeping arrays are allocated once; every
/// intermediate tensor is disposed; a served batch belongs to the caller. Resident memory stays flat over any number of
/// batches. Not thread-safe.</para>
/// </remarks>
/// <example>
/// <code>
/// using TransformerModel model = ModelLoader.Load(folder);
/// var source = new TextTokenSource(TextCorpus.Jsonl("corpus.jsonl"), TokenizerLoader.Load(folder), contextLength: 128);
/// var options = new ActivationStoreOptions { Hook = "blocks.3.hook_resid_post", DIn = 512, BatchSize = 4096, Seed = 1 };
/// using var store = ActivationStore.FromModel(model, source, options);
/// double scale = Math.Sqrt(store.EstimateMeanSquaredNorm(100));   // dictionary_learning's input normalisation
/// while (store.NextBatch() is { } batch)
///     using (batch) Train(batch / scale);
/// </code>
/// </example>
public sealed class ActivationStore : IDisposable
{
    private readonly MixingBuffer _buffer;

    private ActivationStore(MixingBuffer buffer, string hook, int dIn, int batchSize)
    {
        _buffer = buffer;
        Hook = hook;
        DIn = dIn;
        BatchSize = batchSize;
    }

    /// <summary>A store that runs <paramref name="model"/> over <paramref name="source"/>.</summary>
    /// <param name="model">The model; only read.</param>
    /// <param name="source">The token windows.</param>
    /// <param name="options">Hook, sizes, seed, start batch.</param>
    /// <param name="progress">Receives a report after every refill.</param>
    /// <exception cref="KeyNotFoundException">No such hook point; the message names the closest ones.</exception>
    /// <exception cref="ArgumentException">The hook's width is not <see cref="ActivationStoreOptions.DIn"/>, its value is not
    /// [batch, pos, …], or the context is longer than the model's positions.</exception>
    public static ActivationStore FromModel(TransformerModel model, ITokenSource source, ActivationStoreOptions options,
        IProgress<ActivationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        (_, int dIn) = ModelActivationStream.Resolve(model, source.ContextLength, options);
        var buffer = new MixingBuffer(() => new ModelActivationStream(model, source, options), dIn, options, progress);
        return Start(buffer, options, dIn);
    }

    /// <summary>A store that reads a complete activation cache (the same batches as the model it was written from).</summary>
    /// <param name="cache">The cache, opened with <see cref="ActivationDiskCache.Open"/> or written with <see cref="ActivationDiskCache.Write"/>.</param>
    /// <param name="options">As for the live store; the hook must be the cache's, and <see cref="ActivationStoreOptions.ExcludeBos"/>
    /// and <see cref="ActivationStoreOptions.MaxActivations"/> must fit what it holds.</param>
    /// <param name="progress">Receives a report after every refill.</param>
    /// <exception cref="ActivationCacheException">The cache does not hold what the options ask for.</exception>
    public static ActivationStore FromCache(ActivationDiskCache cache, ActivationStoreOptions options, IProgress<ActivationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cache.CheckServes(options);
        var buffer = new MixingBuffer(() => new CachedActivationStream(cache, options.MaxActivations), cache.Index.DIn, options, progress);
        return Start(buffer, options, cache.Index.DIn);
    }

    private static ActivationStore Start(MixingBuffer buffer, ActivationStoreOptions options, int dIn)
    {
        var store = new ActivationStore(buffer, options.Hook, dIn, options.BatchSize);
        if (options.StartBatch > 0) buffer.Seek(options.StartBatch);
        return store;
    }

    /// <summary>The hook point read.</summary>
    public string Hook { get; }

    /// <summary>Width of each activation vector.</summary>
    public int DIn { get; }

    /// <summary>Activations per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The index of the batch <see cref="NextBatch"/> returns next (= batches served, counting from the start batch).</summary>
    public long NextBatchIndex => _buffer.NextBatchIndex;

    /// <summary>Buffer refills so far (a seek's refills included).</summary>
    public long Refills => _buffer.ChunksFilled;

    /// <summary>Activations read into the buffer so far.</summary>
    public long ActivationsRead => _buffer.ActivationsFilled;

    /// <summary>
    /// The next batch, [<see cref="BatchSize"/>, <see cref="DIn"/>] float32 on the CPU, owned by the caller (dispose it, or
    /// let an enclosing dispose scope do so); null when the stream is exhausted. The last, smaller batch is dropped unless
    /// <see cref="ActivationStoreOptions.KeepLastPartialBatch"/> is set.
    /// </summary>
    public Tensor? NextBatch() => _buffer.NextBatch();

    /// <summary>
    /// Moves to batch <paramref name="batchIndex"/>: the batches from there equal those of an uninterrupted run from batch 0
    /// (see the class remarks for the cost). Seeking past the end leaves the store exhausted.
    /// </summary>
    public void Seek(long batchIndex) => _buffer.Seek(batchIndex);

    /// <summary>
    /// E‖x‖², the mean squared norm of the activations in the first <paramref name="batches"/> batches (from batch 0 whatever
    /// the current position, which is kept). dictionary_learning scales inputs to unit mean squared norm, dividing by
    /// √E‖x‖² (SAELens' scaler uses √d_in / E‖x‖ instead, from the mean norm).
    /// </summary>
    /// <param name="batches">Batches to average over (fewer if the stream ends first).</param>
    /// <exception cref="InvalidOperationException">The stream has no activations.</exception>
    public double EstimateMeanSquaredNorm(int batches = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batches, 1);
        long position = NextBatchIndex;
        _buffer.Seek(0);
        double sum = 0;
        long rows = 0;
        try
        {
            for (int i = 0; i < batches; i++)
            {
                using Tensor? batch = _buffer.NextBatch();
                if (batch is null) break;
                using Tensor wide = batch.to_type(ScalarType.Float64);
                using Tensor squares = wide.square();
                using Tensor total = squares.sum();
                sum += total.item<double>();
                rows += batch.shape[0];
            }
        }
        finally
        {
            _buffer.Seek(position);
        }
        if (rows == 0) throw new InvalidOperationException($"no activations to estimate the norm from (hook '{Hook}')");
        return sum / rows;
    }

    /// <inheritdoc />
    public void Dispose() => _buffer.Dispose();
}
