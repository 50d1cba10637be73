using System.Collections.Concurrent;

namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// The byte-level BPE model: turns one pre-token, spelled in <see cref="ByteLevelAlphabet"/> characters (one per byte),
/// into vocabulary ids with their character (= byte) spans.
/// <para>
/// Two merge rules share one engine. <b>Merge-list BPE</b> (Hugging Face <c>models/bpe</c>): the adjacent pair of symbols
/// with the lowest merge rank is merged, leftmost first on ties, until no adjacent pair is in the merge list.
/// <b>Rank BPE</b> (tiktoken): the adjacent pair whose concatenated bytes form the token of lowest rank is merged, leftmost
/// first, until no concatenation is in the vocabulary; ids are ranks. Both run on a doubly linked symbol list with a
/// priority queue keyed (rank, position), so a long pre-token costs O(n log n), not O(n²). With <c>ignore_merges</c>
/// (Llama-3, and always in tiktoken) a pre-token that is itself in the vocabulary is one token.
/// </para>
/// <para>
/// Results are cached per pre-token (at most <see cref="CacheCapacity"/> entries of under 256 characters, as Hugging
/// Face does). The cache is a <see cref="ConcurrentDictionary{TKey,TValue}"/>, so a model may encode on several threads.
/// </para>
/// </summary>
internal sealed class BpeModel
{
    public const int CacheCapacity = 10_000;
    private const int MaxCachedLength = 256;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly Dictionary<long, (int Rank, int NewId)>? _merges; // null: rank (tiktoken) BPE
    private readonly int[] _byteIds = new int[256];
    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private int _cacheCount; // ConcurrentDictionary.Count takes every lock; count insertions instead

    private BpeModel(Dictionary<string, int> vocab, Dictionary<long, (int, int)>? merges, bool ignoreMerges, int? unkId, bool fuseUnk)
    {
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        IgnoreMerges = ignoreMerges;
        _unkId = unkId;
        _fuseUnk = fuseUnk;
        Span<char> one = stackalloc char[1];
        for (int b = 0; b < 256; b++)
        {
            one[0] = ByteLevelAlphabet.ByteToChar((byte)b);
            _byteIds[b] = _vocabBySpan.TryGetValue(one, out int id) ? id : -1;
        }
        int max = -1;
        foreach (int id in vocab.Values) max = Math.Max(max, id);
        IdToTokenTable = new string?[max + 1];
        foreach (var (token, id) in vocab) IdToTokenTable[id] = token;
    }

    /// <summary>Merge-list BPE: merges[i] = (left, right) with rank i; every token and every concatenation must be in the vocabulary.</summary>
    public static BpeModel FromMerges(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, bool ignoreMerges, string? unkToken, bool fuseUnk,
        Func<int, string, Exception> badMerge)
    {
        var map = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out int a)) throw badMerge(rank, left);
            if (!vocab.TryGetValue(right, out int b)) throw badMerge(rank, right);
            if (!vocab.TryGetValue(left + right, out int merged)) throw badMerge(rank, left + right);
            map[Pack(a, b)] = (rank, merged); // a repeated pair keeps its last rank, as Hugging Face's map does
        }
        int? unkId = null;
        if (unkToken is not null)
        {
            if (!vocab.TryGetValue(unkToken, out int u)) throw badMerge(-1, unkToken);
            unkId = u;
        }
        return new BpeModel(vocab, map, ignoreMerges, unkId, fuseUnk);
    }

    /// <summary>Rank (tiktoken) BPE over a vocabulary whose ids are the ranks; every single byte must be a token.</summary>
    public static BpeModel FromRanks(Dictionary<string, int> vocab) => new(vocab, null, ignoreMerges: true, unkId: null, fuseUnk: false);

    public bool IgnoreMerges { get; }

    public bool IsRankBased => _merges is null;

    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    /// <summary>Token strings by id (null where an id has no model token).</summary>
    public string?[] IdToTokenTable { get; }

    /// <summary>Which single bytes have no token (tiktoken files must have all 256).</summary>
    public IEnumerable<int> MissingBytes() => Enumerable.Range(0, 256).Where(b => _byteIds[b] < 0);

    public int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>
    /// Tokenizes one pre-token (alphabet characters, one per byte); appends (id, start, end) with character spans
    /// relative to the pre-token.
    /// </summary>
    public void Tokenize(string word, List<(int Id, int Start, int End)> output)
    {
        if (word.Length == 0) return;
        if (IgnoreMerges && _vocab.TryGetValue(word, out int whole))
        {
            output.Add((whole, 0, word.Length));
            return;
        }
        if (_cache.TryGetValue(word, out int[]? cached))
        {
            Emit(cached, output);
            return;
        }
        int[] result = Merge(word);
        if (word.Length < MaxCachedLength && Volatile.Read(ref _cacheCount) < CacheCapacity && _cache.TryAdd(word, result))
            Interlocked.Increment(ref _cacheCount);
        Emit(result, output);
    }

    private static void Emit(int[] packed, List<(int, int, int)> output)
    {
        for (int i = 0; i < packed.Length; i += 3) output.Add((packed[i], packed[i + 1], packed[i + 2]));
    }

    private static long Pack(int a, int b) => ((long)a << 32) | (uint)b;

    /// <summary>Runs the merges; returns triples (id, start, end).</summary>
    private int[] Merge(string word)
    {
        int n = word.Length;
        var ids = new int[n];
        var starts = new int[n];
        var lengths = new int[n];
        var prev = new int[n];
        var next = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (!ByteLevelAlphabet.TryCharToByte(word[i], out byte b)) throw new ArgumentException("pre-token is not in the byte-level alphabet", nameof(word));
            int id = _byteIds[b];
            if (id < 0)
            {
                if (_unkId is not int unk) continue; // Hugging Face drops a character it cannot map
                if (_fuseUnk && count > 0 && ids[count - 1] == unk && starts[count - 1] + lengths[count - 1] == i)
                {
                    lengths[count - 1]++;
                    continue;
                }
                id = unk;
            }
            ids[count] = id;
            starts[count] = i;
            lengths[count] = 1;
            count++;
        }
        for (int i = 0; i < count; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }

        if (count > 1)
        {
            var queue = new PriorityQueue<(int Pos, int NewId), long>(count);
            for (int i = 0; i + 1 < count; i++)
            {
                if (TryGetMerge(word, ids, starts, lengths, i, i + 1, out int rank, out int newId))
                    queue.Enqueue((i, newId), Priority(rank, i));
            }
            while (queue.TryDequeue(out var top, out _))
            {
                int pos = top.Pos;
                if (lengths[pos] == 0) continue;   // merged into its left neighbour
                int right = next[pos];
                if (right < 0) continue;
                // A stale entry: the pair at pos changed since it was queued (any change makes it a longer, different token).
                if (!TryGetMerge(word, ids, starts, lengths, pos, right, out _, out int currentId) || currentId != top.NewId) continue;

                ids[pos] = top.NewId;
                lengths[pos] += lengths[right];
                lengths[right] = 0;
                next[pos] = next[right];
                if (next[right] >= 0) prev[next[right]] = pos;

                if (prev[pos] >= 0 && TryGetMerge(word, ids, starts, lengths, prev[pos], pos, out int r1, out int id1))
                    queue.Enqueue((prev[pos], id1), Priority(r1, prev[pos]));
                if (next[pos] >= 0 && TryGetMerge(word, ids, starts, lengths, pos, next[pos], out int r2, out int id2))
                    queue.Enqueue((pos, id2), Priority(r2, pos));
            }
        }

        int alive = 0;
        for (int i = 0; i < count; i++) if (lengths[i] > 0) alive++;
        var result = new int[alive * 3];
        int k = 0;
        for (int i = 0; i < count; i++)
        {
            if (lengths[i] == 0) continue;
            result[k++] = ids[i];
            result[k++] = starts[i];
            result[k++] = starts[i] + lengths[i];
        }
        return result;
    }

    private static long Priority(int rank, int pos) => ((long)rank << 32) | (uint)pos;

    private bool TryGetMerge(string word, int[] ids, int[] starts, int[] lengths, int left, int right, out int rank, out int newId)
    {
        if (_merges is not null)
        {
            if (_merges.TryGetValue(Pack(ids[left], ids[right]), out var m))
            {
                rank = m.Rank;
                newId = m.NewId;
                return true;
            }
            rank = newId = 0;
            return false;
        }
        // Rank BPE: symbols are contiguous, so the pair's bytes are one span of the word.
        int start = starts[left];
        int end = starts[right] + lengths[right];
        if (_vocabBySpan.TryGetValue(word.AsSpan(start, end - start), out int id))
        {
            rank = newId = id;
            return true;
        }
        rank = newId = 0;
        return false;
    }
}
