using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// The shuffling buffer behind <see cref="ActivationStore"/>: a fixed slab of N activations, refilled in chunks of
/// H = N/2, serving seeded random batches, and able to rebuild its state at any batch from a bounded part of the stream.
/// </summary>
/// <remarks>
/// <para>The stream is cut into chunks of H activations; chunk c is permuted (seeded by c) and split into three parts
/// P0(c), P1(c), P2(c) of about H/3. Round r serves P0(r) ∪ P1(r − 1) ∪ P2(r − 2) in a seeded random order (seeded by r),
/// so every batch mixes three consecutive chunks, each activation is served exactly once, within two rounds of arriving.
/// Before round r the buffer frees what round r − 1 served, which leaves N/2, and fills chunk r: it holds at most N.</para>
/// <para>Nothing carries from round to round but these parts, so the state before round r depends only on chunks r − 2,
/// r − 1 and r. Seeking to a batch skips the stream up to chunk r − 2 (a cache seeks straight there; a model reads the
/// source but runs only the forward pass that straddles the skip), refills those two chunks and serves on: the bounded
/// replay gives the same batches as the uninterrupted run. Rows of the slab are reused through a free list; the slab, the
/// index tensors and the bookkeeping arrays are allocated once.</para>
/// </remarks>
internal sealed class MixingBuffer : IDisposable
{
    private readonly Func<ActivationStream> _open;
    private readonly int _dIn, _batchSize, _chunkSize;
    private readonly ulong _seed;
    private readonly bool _keepPartial;
    private readonly IProgress<ActivationProgress>? _progress;
    private readonly Tensor _slab;          // [2H, d_in] float32
    private readonly Tensor _order;         // [H] int64: slab rows of the current round, in serving order
    private readonly Tensor _destination;   // [H] int64: slab rows of the chunk being filled, in stream order
    private readonly int[] _free;           // free slab rows (a stack)
    private int _freeCount;
    private readonly Chunk[] _ring = [new(), new(), new()];   // chunk c lives at c % 3
    private readonly List<Tensor> _pieces = [];
    private ActivationStream? _stream;
    private Tensor? _carry;                 // the unused rest of the last piece read from the stream
    private long _round = -1;
    private int _roundLength, _roundPosition;
    private bool _streamEnded, _finished;
    private long _lastChunkWithData = -1;

    public MixingBuffer(Func<ActivationStream> open, int dIn, ActivationStoreOptions options, IProgress<ActivationProgress>? progress)
    {
        _open = open;
        _dIn = dIn;
        _batchSize = options.BatchSize;
        _chunkSize = options.BufferSize / 2;
        _seed = options.Seed;
        _keepPartial = options.KeepLastPartialBatch;
        _progress = progress;
        _slab = empty([2L * _chunkSize, dIn], ScalarType.Float32).DetachFromDisposeScope();
        _order = zeros([(long)_chunkSize], ScalarType.Int64).DetachFromDisposeScope();
        _destination = zeros([(long)_chunkSize], ScalarType.Int64).DetachFromDisposeScope();
        _free = new int[2 * _chunkSize];
        foreach (Chunk chunk in _ring)
        {
            chunk.Rows = new int[_chunkSize];
            chunk.Permutation = new int[_chunkSize];
        }
    }

    /// <summary>The index of the next batch.</summary>
    public long NextBatchIndex { get; private set; }

    /// <summary>Chunks filled since creation (seeks included).</summary>
    public long ChunksFilled { get; private set; }

    /// <summary>Activations written into the buffer since creation.</summary>
    public long ActivationsFilled { get; private set; }

    /// <summary>The next batch [B, d_in] (caller disposes), or null at the end.</summary>
    public Tensor? NextBatch()
    {
        if (_stream is null) Seek(NextBatchIndex);
        if (_finished) return null;
        _pieces.Clear();
        int needed = _batchSize;
        while (needed > 0)
        {
            if (_roundPosition == _roundLength)
            {
                if (!NextRound()) break;
                continue;
            }
            int take = Math.Min(needed, _roundLength - _roundPosition);
            using (Tensor rows = _order.narrow(0, _roundPosition, take))
                _pieces.Add(_slab.index_select(0, rows));   // a copy: the rows may be refilled before the batch is used
            _roundPosition += take;
            needed -= take;
        }
        int got = _batchSize - needed;
        if (got == 0 || needed > 0 && !_keepPartial)
        {
            foreach (Tensor piece in _pieces) piece.Dispose();
            _pieces.Clear();
            _finished = true;
            return null;
        }
        NextBatchIndex++;
        if (_pieces.Count == 1) return _pieces[0];
        Tensor batch = cat(_pieces, 0);
        foreach (Tensor piece in _pieces) piece.Dispose();
        _pieces.Clear();
        return batch;
    }

    /// <summary>Rebuilds the state in front of batch <paramref name="batchIndex"/>.</summary>
    public void Seek(long batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        long item = checked(batchIndex * _batchSize);
        (long round, long offset) = Locate(item);
        Reset();
        long first = Math.Max(0, round - 2);
        if (first > 0)
        {
            Report(ActivationPhase.Seeking);
            if (_stream!.SkipTo(first * _chunkSize) < first * _chunkSize)
            {
                Replay(item, batchIndex);   // the stream is shorter than the full chunks assumed: walk from the start
                return;
            }
        }
        for (long c = first; c < round; c++)
        {
            Fill(c);
            if (ChunkAt(c).Size < _chunkSize)
            {
                Replay(item, batchIndex);
                return;
            }
        }
        // Free what rounds before `round` served; BeginRound then frees nothing more, fills chunk `round` and orders it.
        for (long c = first; c < round; c++)
            for (int part = 0; part < 3; part++)
                if (c + part < round) Free(c, part);
        BeginRound(round);
        Advance(offset);
        NextBatchIndex = batchIndex;
    }

    // Resume without the full-chunk shortcut: serve (and drop) everything before the item.
    private void Replay(long item, long batchIndex)
    {
        Reset();
        BeginRound(0);
        Advance(item);
        NextBatchIndex = batchIndex;
    }

    // The round and offset of a served item, assuming every chunk before it is full.
    private (long Round, long Offset) Locate(long item)
    {
        long first = PartSize(_chunkSize, 0), second = first + PartSize(_chunkSize, 1);
        if (item < first) return (0, item);
        if (item < first + second) return (1, item - first);
        long rest = item - first - second;
        return (2 + rest / _chunkSize, rest % _chunkSize);
    }

    private void Advance(long items)
    {
        while (items > 0)
        {
            if (_roundPosition == _roundLength)
            {
                if (!NextRound())
                {
                    _finished = true;
                    return;
                }
                continue;
            }
            int step = (int)Math.Min(items, _roundLength - _roundPosition);
            _roundPosition += step;
            items -= step;
        }
    }

    private bool NextRound()
    {
        long next = _round + 1;
        if (_streamEnded && next > _lastChunkWithData + 2) return false;
        BeginRound(next);
        return true;
    }

    private void BeginRound(long round)
    {
        for (int part = 0; part < 3; part++)
            if (round - 1 - part >= 0) Free(round - 1 - part, part);
        Fill(round);

        Span<long> order = MemoryMarshal.Cast<byte, long>(_order.bytes);
        int length = 0;
        for (int part = 0; part < 3; part++)
        {
            long c = round - part;
            if (c < 0 || _ring[c % 3].Index != c) continue;
            Chunk chunk = _ring[c % 3];
            (int start, int size) = Part(chunk.Size, part);
            for (int k = start; k < start + size; k++) order[length++] = chunk.Rows[chunk.Permutation[k]];
        }
        Shuffling.Shuffle(order[..length], Shuffling.For(_seed, Shuffling.RoundTag, round));
        _round = round;
        _roundLength = length;
        _roundPosition = 0;
    }

    // Reads chunk c from the stream into free rows, in stream order, then draws its permutation.
    private void Fill(long c)
    {
        Chunk chunk = _ring[c % 3];
        if (chunk.Index >= 0 && !chunk.AllFreed) throw new InvalidOperationException($"chunk {chunk.Index} is still in use (internal error)");
        chunk.Index = c;
        chunk.Size = 0;
        Array.Clear(chunk.Freed);
        if (!_streamEnded)
        {
            if (_freeCount < _chunkSize) throw new InvalidOperationException($"{_freeCount} free rows for a chunk of {_chunkSize} (internal error)");
            Span<long> destination = MemoryMarshal.Cast<byte, long>(_destination.bytes);
            for (int q = 0; q < _chunkSize; q++) destination[q] = chunk.Rows[q] = _free[_freeCount - 1 - q];
            int filled = 0;
            while (filled < _chunkSize)
            {
                Tensor? piece = NextPiece(_chunkSize - filled);
                if (piece is null)
                {
                    _streamEnded = true;
                    break;
                }
                using (piece)
                {
                    int rows = (int)piece.shape[0];
                    using Tensor target = _destination.narrow(0, filled, rows);
                    _slab.index_copy_(0, target, piece);
                    filled += rows;
                }
            }
            _freeCount -= filled;
            chunk.Size = filled;
            ChunksFilled++;
            ActivationsFilled += filled;
            Report(ActivationPhase.Filling);
        }
        Span<int> permutation = chunk.Permutation.AsSpan(0, chunk.Size);
        for (int q = 0; q < permutation.Length; q++) permutation[q] = q;
        Shuffling.Shuffle(permutation, Shuffling.For(_seed, Shuffling.ChunkTag, c));
        if (chunk.Size > 0) _lastChunkWithData = c;
    }

    // At most `limit` rows from the stream, keeping any rest of a larger piece for the next call.
    private Tensor? NextPiece(int limit)
    {
        Tensor? source = _carry ?? _stream!.Next();
        _carry = null;
        if (source is null) return null;
        long rows = source.shape[0];
        if (rows <= limit) return source;
        Tensor head = source.narrow(0, 0, limit);
        _carry = source.narrow(0, limit, rows - limit).DetachFromDisposeScope();
        source.Dispose();
        return head;
    }

    private void Free(long c, int part)
    {
        Chunk chunk = _ring[c % 3];
        if (chunk.Index != c || chunk.Freed[part]) return;
        (int start, int size) = Part(chunk.Size, part);
        for (int k = start; k < start + size; k++) _free[_freeCount++] = chunk.Rows[chunk.Permutation[k]];
        chunk.Freed[part] = true;
    }

    private Chunk ChunkAt(long c) => _ring[c % 3];

    private void Reset()
    {
        _stream?.Dispose();
        _carry?.Dispose();
        _carry = null;
        _stream = _open();
        _freeCount = _free.Length;
        for (int i = 0; i < _free.Length; i++) _free[i] = _free.Length - 1 - i;   // row 0 on top: fills go in row order
        foreach (Chunk chunk in _ring)
        {
            chunk.Index = -1;
            chunk.Size = 0;
        }
        _round = -1;
        _roundLength = _roundPosition = 0;
        _streamEnded = _finished = false;
        _lastChunkWithData = -1;
    }

    private void Report(ActivationPhase phase) =>
        _progress?.Report(new(phase, _stream?.Contexts ?? 0, _stream?.Tokens ?? 0, _stream?.Position ?? 0, NextBatchIndex));

    /// <summary>Sizes of the three parts of a chunk of <paramref name="size"/>: ⌈h/3⌉, ⌊(h+1)/3⌋, ⌊h/3⌋.</summary>
    private static int PartSize(int size, int part) => (size + 2 - part) / 3;

    private static (int Start, int Size) Part(int size, int part)
    {
        int start = 0;
        for (int p = 0; p < part; p++) start += PartSize(size, p);
        return (start, PartSize(size, part));
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        _carry?.Dispose();
        _carry = null;
        _slab.Dispose();
        _order.Dispose();
        _destination.Dispose();
    }

    private sealed class Chunk
    {
        public long Index = -1;
        public int Size;
        public int[] Rows = [];          // slab row of each activation, in stream order
        public int[] Permutation = [];   // the chunk's seeded permutation; parts are consecutive ranges of it
        public readonly bool[] Freed = new bool[3];

        public bool AllFreed => Freed[0] && Freed[1] && Freed[2];
    }
}
