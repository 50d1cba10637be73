using System.Text.Json;
using System.Text.Json.Serialization;
using SharpSight.Core.IO;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Activations;

/// <summary>What an activation cache was written from; a cache is reused only for the same key.</summary>
/// <param name="ModelId">The model's identity (<see cref="ModelIdentity"/>, or any id the caller keeps stable).</param>
/// <param name="Hook">The hook point.</param>
/// <param name="ContextLength">Positions per window.</param>
/// <param name="Source">The token source's <see cref="ITokenSource.Description"/>.</param>
/// <param name="ExcludeBos">Whether BOS positions were left out.</param>
public sealed record ActivationCacheKey(string ModelId, string Hook, int ContextLength, string Source, bool ExcludeBos)
{
    /// <summary>The key for reading <paramref name="options"/>' hook of a model over a source.</summary>
    public static ActivationCacheKey For(string modelId, ITokenSource source, ActivationStoreOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        return new(modelId, options.Hook, source.ContextLength, source.Description, options.ExcludesBos(source));
    }
}

/// <summary>One shard file of an activation cache.</summary>
/// <param name="File">File name inside the cache folder.</param>
/// <param name="Rows">Activations in it.</param>
public sealed record ActivationShard(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("rows")] long Rows);

/// <summary>
/// The index.json of an activation cache: what it was written from, how much it holds and its shards. Shards are raw
/// little-endian float32, row-major [rows, d_in], in stream order.
/// </summary>
public sealed record ActivationCacheIndex
{
    /// <summary>The format name written.</summary>
    public const string FormatName = "sharpsight.activation-cache";

    /// <summary>The format version written.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;

    /// <summary>The format version.</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;

    /// <summary>The model's identity.</summary>
    [JsonPropertyName("model_id")] public string ModelId { get; init; } = "";

    /// <summary>The hook point.</summary>
    [JsonPropertyName("hook")] public string Hook { get; init; } = "";

    /// <summary>Width of each activation.</summary>
    [JsonPropertyName("d_in")] public int DIn { get; init; }

    /// <summary>Element type of the shards ("float32").</summary>
    [JsonPropertyName("dtype")] public string DType { get; init; } = "float32";

    /// <summary>Positions per window.</summary>
    [JsonPropertyName("context_length")] public int ContextLength { get; init; }

    /// <summary>The token source's description.</summary>
    [JsonPropertyName("source")] public string Source { get; init; } = "";

    /// <summary>The BOS id the source prepends, or null.</summary>
    [JsonPropertyName("bos_id")] public int? BosId { get; init; }

    /// <summary>Whether BOS positions were left out.</summary>
    [JsonPropertyName("exclude_bos")] public bool ExcludeBos { get; init; }

    /// <summary>Contexts per forward pass when written (the same value keeps a live store bit-identical).</summary>
    [JsonPropertyName("model_batch_size")] public int ModelBatchSize { get; init; }

    /// <summary>The activation limit asked for when written, or null.</summary>
    [JsonPropertyName("max_activations")] public long? MaxActivations { get; init; }

    /// <summary>False while the cache is being written (a later write resumes it).</summary>
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    /// <summary>True when the source ended before any limit: the cache holds the whole stream.</summary>
    [JsonPropertyName("exhausted")] public bool Exhausted { get; init; }

    /// <summary>Windows read from the source.</summary>
    [JsonPropertyName("contexts")] public long Contexts { get; init; }

    /// <summary>Real tokens in them.</summary>
    [JsonPropertyName("tokens")] public long Tokens { get; init; }

    /// <summary>Activations in the shards.</summary>
    [JsonPropertyName("activations")] public long Activations { get; init; }

    /// <summary>Rows per shard (the last may hold fewer).</summary>
    [JsonPropertyName("shard_rows")] public long ShardRows { get; init; }

    /// <summary>The shards, in stream order.</summary>
    [JsonPropertyName("shards")] public IReadOnlyList<ActivationShard> Shards { get; init; } = [];

    /// <summary>The key this cache answers to.</summary>
    [JsonIgnore] public ActivationCacheKey Key => new(ModelId, Hook, ContextLength, Source, ExcludeBos);
}

/// <summary>An activation cache that cannot be used as asked: written for something else, incomplete, or damaged.</summary>
public sealed class ActivationCacheException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ActivationCacheException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Activations written to disk once and read back by any number of runs: a folder of shards (raw float32, in stream
/// order) and an index.json that records the model identity, hook, context length, source description and counts.
/// </summary>
/// <remarks>
/// Every file is written atomically and the index last, after each shard, so an interrupted write leaves a consistent
/// incomplete cache that the next <see cref="Write"/> continues. Writing and reading go shard by shard, one forward pass
/// or one read at a time, so memory does not depend on the cache's size. A cache is only reused for the same
/// <see cref="ActivationCacheKey"/>; a mismatch is refused with a message naming the differing field.
/// </remarks>
public sealed class ActivationDiskCache
{
    /// <summary>The index file's name.</summary>
    public const string IndexFileName = "index.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private ActivationDiskCache(string folder, ActivationCacheIndex index)
    {
        Folder = folder;
        Index = index;
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>The index.</summary>
    public ActivationCacheIndex Index { get; }

    /// <summary>
    /// Makes sure <paramref name="folder"/> holds the activations of <paramref name="model"/> at the options' hook over
    /// <paramref name="source"/>: writes them if the folder has no cache, continues an incomplete one, and returns a
    /// complete one as it is. <see cref="ActivationStoreOptions.MaxActivations"/> limits what is written;
    /// <see cref="ActivationStoreOptions.ModelBatchSize"/> sets the forward passes. Shuffle options play no part.
    /// </summary>
    /// <param name="folder">The cache folder (created if missing).</param>
    /// <param name="model">The model.</param>
    /// <param name="modelId">Its identity, e.g. <see cref="ModelIdentity.FromFolder"/>; recorded and compared.</param>
    /// <param name="source">The token windows.</param>
    /// <param name="options">Hook, expected d_in, BOS exclusion, activation limit, forward batch size.</param>
    /// <param name="shardBytes">Bytes per shard (rounded down to whole activations; at least one).</param>
    /// <param name="progress">Receives a report after every shard.</param>
    /// <param name="cancellationToken">Checked between shards; what is written stays, and a later call continues it.</param>
    /// <exception cref="ActivationCacheException">The folder holds a cache of something else, or one too short for the limit.</exception>
    public static ActivationDiskCache Write(string folder, TransformerModel model, string modelId, ITokenSource source,
        ActivationStoreOptions options, long shardBytes = 1L << 28, IProgress<ActivationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardBytes, 1);
        (_, int dIn) = ModelActivationStream.Resolve(model, source.ContextLength, options);
        ActivationCacheKey key = ActivationCacheKey.For(modelId, source, options);
        Directory.CreateDirectory(folder);

        ActivationCacheIndex? existing = TryReadIndex(folder);
        if (existing is not null)
        {
            CheckKey(folder, existing, key, dIn);
            if (existing.Complete)
            {
                var complete = new ActivationDiskCache(folder, existing);
                complete.CheckHolds(options.MaxActivations);
                return complete;
            }
        }
        ActivationCacheIndex index = existing ?? new ActivationCacheIndex
        {
            ModelId = key.ModelId, Hook = key.Hook, DIn = dIn, ContextLength = key.ContextLength, Source = key.Source,
            BosId = source.BosId, ExcludeBos = key.ExcludeBos, ShardRows = Math.Max(1, shardBytes / (4L * dIn)),
        };
        if (existing is not null && existing.ModelBatchSize != options.ModelBatchSize)
            throw new ActivationCacheException($"{folder}: the incomplete cache was written with model_batch_size {existing.ModelBatchSize}; continue it with the same (asked: {options.ModelBatchSize}) so the rest matches bit for bit");
        index = index with { ModelBatchSize = options.ModelBatchSize, MaxActivations = options.MaxActivations };

        if (options.MaxActivations is { } limit && index.Activations >= limit)
        {
            index = index with { Complete = true, Exhausted = false };   // an interrupted larger write already holds the prefix asked for
            WriteIndex(folder, index);
            return new ActivationDiskCache(folder, index);
        }
        using var stream = new ModelActivationStream(model, source, options);
        if (index.Activations > 0)
        {
            progress?.Report(new(ActivationPhase.Seeking, 0, 0, 0, 0));
            long skipped = stream.SkipTo(index.Activations);
            if (skipped < index.Activations)
                throw new ActivationCacheException($"{folder}: the incomplete cache holds {index.Activations} activations but the source now gives only {skipped}; delete the folder to rewrite it");
        }
        var shards = new List<ActivationShard>(index.Shards);
        Tensor? carry = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                carry ??= stream.Next()?.DetachFromDisposeScope();
                if (carry is null) break;
                string name = $"shard-{shards.Count:D5}.f32";
                long rows = 0;
                AtomicFile.Write(Path.Combine(folder, name), file =>
                {
                    while (rows < index.ShardRows)
                    {
                        Tensor? piece = carry ?? stream.Next()?.DetachFromDisposeScope();
                        carry = null;
                        if (piece is null) break;
                        long available = piece.shape[0], take = Math.Min(available, index.ShardRows - rows);
                        using (Tensor head = piece.narrow(0, 0, take)) file.Write(head.bytes);
                        rows += take;
                        if (take < available) carry = piece.narrow(0, take, available - take).DetachFromDisposeScope();
                        piece.Dispose();
                    }
                });
                shards.Add(new ActivationShard(name, rows));
                index = index with
                {
                    Shards = [.. shards], Activations = index.Activations + rows, Contexts = stream.Contexts, Tokens = stream.Tokens,
                };
                WriteIndex(folder, index);
                progress?.Report(new(ActivationPhase.Caching, stream.Contexts, stream.Tokens, index.Activations, 0));
            }
        }
        finally
        {
            carry?.Dispose();
        }
        index = index with { Complete = true, Exhausted = !stream.LimitReached, Contexts = stream.Contexts, Tokens = stream.Tokens };
        WriteIndex(folder, index);
        return new ActivationDiskCache(folder, index);
    }

    /// <summary>Opens a complete cache, checking that it was written for <paramref name="key"/>.</summary>
    /// <exception cref="ActivationCacheException">No cache, an incomplete or damaged one, or one written for another key.</exception>
    public static ActivationDiskCache Open(string folder, ActivationCacheKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(key);
        ActivationCacheIndex index = ReadIndex(folder);
        CheckKey(folder, index, key, null);
        if (!index.Complete)
            throw new ActivationCacheException($"{folder}: the cache is incomplete ({index.Activations} activations in {index.Shards.Count} shards); finish it with ActivationDiskCache.Write");
        return new ActivationDiskCache(folder, index);
    }

    /// <summary>Reads a cache's index without checking what it was written for.</summary>
    /// <exception cref="ActivationCacheException">No index, or one that cannot be read.</exception>
    public static ActivationCacheIndex ReadIndex(string folder) =>
        TryReadIndex(folder) ?? throw new ActivationCacheException($"{folder}: no activation cache ({IndexFileName} not found)");

    private static ActivationCacheIndex? TryReadIndex(string folder)
    {
        string path = Path.Combine(folder, IndexFileName);
        if (!File.Exists(path)) return null;
        ActivationCacheIndex? index;
        try
        {
            index = JsonSerializer.Deserialize<ActivationCacheIndex>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new ActivationCacheException($"{path}: not a valid cache index ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (index is null || index.Format != ActivationCacheIndex.FormatName)
            throw new ActivationCacheException($"{path}: not an activation cache index (format '{index?.Format}', expected '{ActivationCacheIndex.FormatName}')");
        if (index.Version != ActivationCacheIndex.CurrentVersion)
            throw new ActivationCacheException($"{path}: cache format version {index.Version} is not supported (this reader knows version {ActivationCacheIndex.CurrentVersion})");
        if (index.DType != "float32" || index.DIn < 1 || index.ShardRows < 1 || index.Shards.Sum(s => s.Rows) != index.Activations)
            throw new ActivationCacheException($"{path}: inconsistent index (dtype {index.DType}, d_in {index.DIn}, shard rows {index.ShardRows}, {index.Activations} activations in shards of {index.Shards.Sum(s => s.Rows)})");
        return index;
    }

    private static void WriteIndex(string folder, ActivationCacheIndex index) =>
        AtomicFile.WriteAllText(Path.Combine(folder, IndexFileName), JsonSerializer.Serialize(index, Json));

    private static void CheckKey(string folder, ActivationCacheIndex index, ActivationCacheKey key, int? dIn)
    {
        string? difference =
            index.ModelId != key.ModelId ? Differs("model", index.ModelId, key.ModelId)
            : index.Hook != key.Hook ? Differs("hook", index.Hook, key.Hook)
            : index.ContextLength != key.ContextLength ? Differs("context length", index.ContextLength, key.ContextLength)
            : index.Source != key.Source ? Differs("source", index.Source, key.Source)
            : index.ExcludeBos != key.ExcludeBos ? Differs("exclude_bos", index.ExcludeBos, key.ExcludeBos)
            : dIn is { } d && index.DIn != d ? Differs("d_in", index.DIn, d)
            : null;
        if (difference is not null)
            throw new ActivationCacheException($"{folder}: the cache was written for another {difference}; use another folder or delete this one");
    }

    private static string Differs<T>(string field, T cached, T asked) => $"{field} (cached: '{cached}', asked: '{asked}')";

    // Refuses a cache that stopped at a limit when more is asked for.
    private void CheckHolds(long? maxActivations)
    {
        if (Index.Exhausted || maxActivations is { } max && max <= Index.Activations) return;
        throw new ActivationCacheException(
            $"{Folder}: the cache holds only the first {Index.Activations} activations (written with max_activations {Index.MaxActivations}); " +
            $"asked for {(maxActivations is { } m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")}: write it again with a larger limit in a new folder");
    }

    /// <summary>Checks that a store with <paramref name="options"/> can be served from this cache.</summary>
    internal void CheckServes(ActivationStoreOptions options)
    {
        if (options.Hook != Index.Hook)
            throw new ActivationCacheException($"{Folder}: the cache holds hook '{Index.Hook}', not '{options.Hook}'");
        if (options.DIn is { } d && d != Index.DIn)
            throw new ActivationCacheException($"{Folder}: the cache holds d_in {Index.DIn} at hook '{Index.Hook}', expected {d}");
        if (options.ExcludeBos is { } exclude && Index.BosId is not null && exclude != Index.ExcludeBos)
            throw new ActivationCacheException($"{Folder}: the cache was written with exclude_bos {Index.ExcludeBos}, asked {exclude}");
        CheckHolds(options.MaxActivations);
    }

    /// <summary>The path of a shard, checked against its expected size.</summary>
    internal string ShardPath(int shard)
    {
        ActivationShard entry = Index.Shards[shard];
        string path = Path.Combine(Folder, entry.File);
        long expected = entry.Rows * Index.DIn * 4L;
        long actual = File.Exists(path) ? new FileInfo(path).Length : -1;
        if (actual != expected)
            throw new ActivationCacheException(actual < 0
                ? $"{path}: shard missing; the cache is damaged"
                : $"{path}: {actual} bytes, expected {expected} ({entry.Rows} rows × d_in {Index.DIn} × 4); the cache is damaged");
        return path;
    }
}

/// <summary>Reads a cache's shards back in stream order, a bounded number of rows at a time.</summary>
internal sealed class CachedActivationStream(ActivationDiskCache cache, long? maxActivations) : ActivationStream(maxActivations)
{
    private const long ReadBytes = 1 << 22;
    private readonly long _readRows = Math.Max(1, ReadBytes / (4L * cache.Index.DIn));
    private int _shard;
    private long _row;
    private FileStream? _file;

    public override int DIn => cache.Index.DIn;

    protected override Tensor? ReadNext()
    {
        IReadOnlyList<ActivationShard> shards = cache.Index.Shards;
        while (_shard < shards.Count && _row == shards[_shard].Rows) NextShard();
        if (_shard == shards.Count) return null;
        _file ??= OpenAt(_shard, _row);
        long rows = Math.Min(_readRows, shards[_shard].Rows - _row);
        Tensor piece = empty([rows, DIn], ScalarType.Float32);
        _file.ReadExactly(piece.bytes);
        _row += rows;
        return piece;
    }

    protected override long Skip(long count)
    {
        IReadOnlyList<ActivationShard> shards = cache.Index.Shards;
        long skipped = 0;
        while (skipped < count && _shard < shards.Count)
        {
            long step = Math.Min(count - skipped, shards[_shard].Rows - _row);
            _row += step;
            skipped += step;
            if (_row == shards[_shard].Rows) NextShard();
        }
        _file?.Dispose();
        _file = null;   // reopened at the new position on the next read
        return skipped;
    }

    private void NextShard()
    {
        _file?.Dispose();
        _file = null;
        _shard++;
        _row = 0;
    }

    private FileStream OpenAt(int shard, long row)
    {
        var file = new FileStream(cache.ShardPath(shard), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        file.Position = row * DIn * 4L;
        return file;
    }

    public override void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
