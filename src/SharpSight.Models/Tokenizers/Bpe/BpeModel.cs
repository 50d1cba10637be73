using System.Collections.Concurrent;
using System.Text;

namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>The type of a SentencePiece piece (ModelProto.SentencePiece.Type).</summary>
internal enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>
/// The one BPE merge engine of every BPE tokenizer: turns one pre-token ("word") into vocabulary ids with their
/// [Start, End) spans in the word's UTF-16 units.
/// <para>
/// The word becomes a doubly linked list of symbols, and a priority queue keyed (rank, position) repeatedly merges the
/// adjacent pair of lowest rank, leftmost first on ties, until no pair can merge — O(n log n), not O(n²). Three rules
/// decide whether a pair merges and with what rank:
/// <list type="bullet">
/// <item><b>Merge list</b> (Hugging Face <c>models/bpe</c>, <see cref="FromMerges"/>): the pair of ids is in the merge
/// list; rank = its line. Symbols start as the word's code points looked up in the vocabulary, with byte fallback to
/// "&lt;0xNN&gt;" pieces, the unknown token (fused when <c>fuse_unk</c>), or dropping, as Hugging Face does.</item>
/// <item><b>Rank of the result</b> (tiktoken, <see cref="FromRanks"/>): the concatenated text is a token; rank = its id.</item>
/// <item><b>Score of the result</b> (SentencePiece bpe_model.cc, <see cref="FromScoredPieces"/>): the concatenated text
/// is a normal, user-defined or unused piece; rank = the place of its score in descending order, so the highest score
/// merges first and equal scores go leftmost first. User-defined pieces are cut out first and never merge, merges into
/// unused pieces are undone at the end, and what is left unknown becomes byte pieces (byte_fallback) or unk.</item>
/// </list>
/// With <c>ignore_merges</c> (Llama-3, and always in tiktoken) a word that is itself in the vocabulary is one token.
/// </para>
/// <para>
/// Results are cached per word (at most <see cref="CacheCapacity"/> entries of under 256 characters, as Hugging Face
/// does). The cache is a <see cref="ConcurrentDictionary{TKey,TValue}"/>, so a model may encode on several threads.
/// </para>
/// </summary>
internal sealed class BpeModel
{
    public const int CacheCapacity = 10_000;
    private const int MaxCachedLength = 256;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;

    // The merge rule: a merge list by id pair, or else a lookup of the concatenated text with a rank per result id.
    private readonly Dictionary<long, (int Rank, int NewId)>? _pairMerges;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _resultBySpan;
    private readonly int[]? _resultRank;          // null: the id is the rank (tiktoken)

    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly bool _byteFallback;
    private readonly int[] _byteIds;              // ids of "<0x00>".."<0xFF>", -1 where absent

    // SentencePiece only: pieces matched whole and never merged, pieces that win over merge results, and unused pieces.
    private readonly ScoredPieces? _scored;

    private readonly ConcurrentDictionary<string, int[]> _cache = new(Environment.ProcessorCount, CacheCapacity, StringComparer.Ordinal);
    private int _cacheCount; // ConcurrentDictionary.Count takes every lock; count insertions instead

    private sealed class ScoredPieces
    {
        public required string[] UserDefinedLongestFirst;
        public required Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Reserved;
        public required bool[] Unused;
    }

    private BpeModel(Dictionary<string, int> vocab, Dictionary<long, (int, int)>? pairMerges, Dictionary<string, int>? results, int[]? resultRank,
        bool ignoreMerges, int? unkId, bool fuseUnk, bool byteFallback, ScoredPieces? scored)
    {
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _pairMerges = pairMerges;
        _resultBySpan = (results ?? vocab).GetAlternateLookup<ReadOnlySpan<char>>();
        _resultRank = resultRank;
        IgnoreMerges = ignoreMerges;
        _unkId = unkId;
        _fuseUnk = fuseUnk;
        _byteFallback = byteFallback;
        _scored = scored;
        _byteIds = new int[256];
        for (int b = 0; b < 256; b++) _byteIds[b] = vocab.TryGetValue(ByteToken(b), out int id) ? id : -1;
        int max = -1;
        foreach (int id in vocab.Values) max = Math.Max(max, id);
        IdToTokenTable = new string?[max + 1];
        foreach (var (token, id) in vocab) IdToTokenTable[id] ??= token;
    }

    /// <summary>
    /// Merge-list BPE (Hugging Face tokenizer.json, vocab.json + merges.txt): merges[i] = (left, right) with rank i; every
    /// token and every concatenation must be in the vocabulary, else <paramref name="badMerge"/>(rank, token) is thrown.
    /// </summary>
    public static BpeModel FromMerges(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, Func<int, string, Exception> badMerge,
        bool ignoreMerges = false, int? unkId = null, bool fuseUnk = false, bool byteFallback = false)
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
        return new BpeModel(vocab, map, null, null, ignoreMerges, unkId, fuseUnk, byteFallback, null);
    }

    /// <summary>Rank (tiktoken) BPE over a vocabulary whose ids are the ranks; every single character of a word must be a token.</summary>
    public static BpeModel FromRanks(Dictionary<string, int> vocab) =>
        new(vocab, null, null, null, ignoreMerges: true, unkId: null, fuseUnk: false, byteFallback: false, null);

    /// <summary>SentencePiece BPE over a model's pieces (id = index); merges go by piece score.</summary>
    public static BpeModel FromScoredPieces(IReadOnlyList<(string Piece, float Score, PieceType Type)> pieces, int unkId, bool byteFallback)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var mergeable = new Dictionary<string, int>(StringComparer.Ordinal);
        var reserved = new Dictionary<string, int>(StringComparer.Ordinal);
        var userDefined = new List<string>();
        var unused = new bool[pieces.Count];
        for (int i = 0; i < pieces.Count; i++)
        {
            (string piece, _, PieceType type) = pieces[i];
            vocab.TryAdd(piece, i);
            bool canMerge = type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused;
            (canMerge ? mergeable : reserved).TryAdd(piece, i);
            if (type == PieceType.UserDefined) userDefined.Add(piece);
            unused[i] = type == PieceType.Unused;
        }
        // Scores become ranks: descending order, equal scores sharing a rank, so (rank, position) orders as SentencePiece does.
        int[] byScore = [.. Enumerable.Range(0, pieces.Count).OrderByDescending(i => pieces[i].Score)];
        var rank = new int[pieces.Count];
        for (int k = 1; k < byScore.Length; k++)
            rank[byScore[k]] = rank[byScore[k - 1]] + (pieces[byScore[k]].Score.CompareTo(pieces[byScore[k - 1]].Score) == 0 ? 0 : 1);
        var scored = new ScoredPieces
        {
            UserDefinedLongestFirst = [.. userDefined.OrderByDescending(p => p.Length)],
            Reserved = reserved.GetAlternateLookup<ReadOnlySpan<char>>(),
            Unused = unused,
        };
        return new BpeModel(vocab, null, mergeable, rank, ignoreMerges: false, unkId, fuseUnk: false, byteFallback, scored);
    }

    /// <summary>"&lt;0x0A&gt;": the spelling of a byte-fallback piece, as Hugging Face and SentencePiece write it.</summary>
    private static string ByteToken(int b) => $"<0x{b:X2}>";

    public bool IgnoreMerges { get; }

    /// <summary>Token strings by id (null where an id has no model token).</summary>
    public string?[] IdToTokenTable { get; }

    public int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>Tokenizes one word; appends (id, start, end) with spans relative to the word.</summary>
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

    private static long Priority(int rank, int pos) => ((long)rank << 32) | (uint)pos;

    private static int CodePointLength(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;

    /// <summary>A symbol of the word: a token id (-1 while unknown, SentencePiece), its span, and its list neighbours.</summary>
    private struct Symbol
    {
        public int Id;
        public int Start;
        public int End;
        public int Prev;
        public int Next;
        public bool Removed;   // merged into its left neighbour
        public bool Frozen;    // a SentencePiece user-defined piece: never merges
    }

    /// <summary>Runs the merges; returns triples (id, start, end).</summary>
    private int[] Merge(string word)
    {
        // At most one symbol per UTF-16 unit, or three with byte fallback (a BMP character is up to three UTF-8 bytes).
        var s = new Symbol[_byteFallback && _scored is null ? 3 * word.Length : word.Length];
        int count = _scored is null ? SplitIntoTokens(word, s) : SplitIntoPieces(word, s);
        for (int i = 0; i < count; i++)
        {
            s[i].Prev = i - 1;
            s[i].Next = i + 1 < count ? i + 1 : -1;
        }
        Dictionary<(int Start, int End), int>? unusedSplits = MergeAll(word, s, count);

        if (_scored is null)
        {
            int alive = 0;
            for (int i = 0; i < count; i++) if (!s[i].Removed) alive++;
            var result = new int[alive * 3];
            int k = 0;
            for (int i = 0; i < count; i++)
            {
                if (s[i].Removed) continue;
                result[k++] = s[i].Id;
                result[k++] = s[i].Start;
                result[k++] = s[i].End;
            }
            return result;
        }
        var pieces = new List<int>(count * 3);
        for (int i = 0; i < count; i++)
        {
            if (!s[i].Removed) Resegment(word, s[i].Start, s[i].End, unusedSplits, pieces);
        }
        return [.. pieces];
    }

    /// <summary>
    /// Hugging Face's initial symbols: each code point's token, else its UTF-8 byte pieces (byte fallback), else the
    /// unknown token (consecutive ones fused with <c>fuse_unk</c>), else nothing.
    /// </summary>
    private int SplitIntoTokens(string word, Symbol[] symbols)
    {
        int count = 0;
        void Add(int id, int start, int end) => symbols[count++] = new Symbol { Id = id, Start = start, End = end };
        Span<int> bytePieces = stackalloc int[4];
        int unkStart = -1, unkEnd = -1;
        for (int i = 0; i < word.Length;)
        {
            int len = CodePointLength(word, i);
            ReadOnlySpan<char> ch = word.AsSpan(i, len);
            if (_vocabBySpan.TryGetValue(ch, out int id))
            {
                if (unkStart >= 0) { Add(_unkId!.Value, unkStart, unkEnd); unkStart = -1; }
                Add(id, i, i + len);
            }
            else if (_byteFallback && BytePieces(ch, bytePieces) is int byteCount and > 0)
            {
                // Hugging Face adds byte pieces without flushing a pending unknown token first.
                foreach (int b in bytePieces[..byteCount]) Add(b, i, i + len);
            }
            else if (_unkId is int unk)
            {
                if (unkStart >= 0 && _fuseUnk)
                {
                    unkEnd = i + len;
                }
                else
                {
                    if (unkStart >= 0) Add(unk, unkStart, unkEnd);
                    unkStart = i;
                    unkEnd = i + len;
                }
            }
            // With neither byte fallback nor an unknown token the character is dropped, as in Hugging Face.
            i += len;
        }
        if (unkStart >= 0) Add(_unkId!.Value, unkStart, unkEnd);
        return count;
    }

    /// <summary>The byte pieces of a code point's UTF-8 bytes (a lone surrogate is U+FFFD); 0 when one is missing.</summary>
    private int BytePieces(ReadOnlySpan<char> codePoint, Span<int> ids)
    {
        Span<byte> bytes = stackalloc byte[4];
        int n = Encoding.UTF8.GetBytes(codePoint, bytes);
        for (int k = 0; k < n; k++)
        {
            ids[k] = _byteIds[bytes[k]];
            if (ids[k] < 0) return 0;
        }
        return n;
    }

    /// <summary>SentencePiece's initial symbols: user-defined pieces (longest first, frozen), else single code points.</summary>
    private int SplitIntoPieces(string word, Symbol[] symbols)
    {
        int count = 0;
        for (int i = 0; i < word.Length;)
        {
            int len = 0;
            foreach (string piece in _scored!.UserDefinedLongestFirst)
            {
                if (word.AsSpan(i).StartsWith(piece, StringComparison.Ordinal)) { len = piece.Length; break; }
            }
            bool frozen = len > 0;
            if (!frozen) len = CodePointLength(word, i);
            symbols[count++] = new Symbol { Id = -1, Start = i, End = i + len, Frozen = frozen };
            i += len;
        }
        return count;
    }

    /// <summary>
    /// Merges the lowest-ranked adjacent pair, leftmost first, until none is left. Returns, for SentencePiece, how each
    /// merged unused piece splits (its span → where its right part starts), so that it can be undone.
    /// </summary>
    private Dictionary<(int Start, int End), int>? MergeAll(string word, Symbol[] s, int count)
    {
        if (count < 2) return null;
        Dictionary<(int, int), int>? unusedSplits = null;
        var queue = new PriorityQueue<(int Pos, int NewId), long>(count);
        for (int i = 0; i + 1 < count; i++)
        {
            if (TryGetMerge(word, s, i, i + 1, out int rank, out int newId)) queue.Enqueue((i, newId), Priority(rank, i));
        }
        while (queue.TryDequeue(out var top, out _))
        {
            int pos = top.Pos;
            if (s[pos].Removed) continue;
            int right = s[pos].Next;
            if (right < 0) continue;
            // A stale entry: the pair now at pos no longer makes the queued token (Hugging Face's check, word.rs merge_all).
            if (!TryGetMerge(word, s, pos, right, out _, out int currentId) || currentId != top.NewId) continue;

            if (_scored is not null && _scored.Unused[top.NewId]) (unusedSplits ??= [])[(s[pos].Start, s[right].End)] = s[right].Start;
            ref Symbol merged = ref s[pos];
            merged.Id = top.NewId;
            merged.Start = Math.Min(merged.Start, s[right].Start);   // byte pieces share a span, so take the union
            merged.End = Math.Max(merged.End, s[right].End);
            merged.Next = s[right].Next;
            s[right].Removed = true;
            if (merged.Next >= 0) s[merged.Next].Prev = pos;

            if (merged.Prev >= 0 && TryGetMerge(word, s, merged.Prev, pos, out int r1, out int id1))
                queue.Enqueue((merged.Prev, id1), Priority(r1, merged.Prev));
            if (merged.Next >= 0 && TryGetMerge(word, s, pos, merged.Next, out int r2, out int id2))
                queue.Enqueue((pos, id2), Priority(r2, pos));
        }
        return unusedSplits;
    }

    private bool TryGetMerge(string word, Symbol[] s, int left, int right, out int rank, out int newId)
    {
        rank = newId = 0;
        if (_pairMerges is not null)
        {
            if (!_pairMerges.TryGetValue(Pack(s[left].Id, s[right].Id), out var m)) return false;
            (rank, newId) = m;
            return true;
        }
        if (s[left].Frozen || s[right].Frozen) return false;
        // Rank of the result: symbols are contiguous here, so the pair's text is one span of the word.
        int start = s[left].Start, end = s[right].End;
        if (!_resultBySpan.TryGetValue(word.AsSpan(start, end - start), out newId)) return false;
        rank = _resultRank is null ? newId : _resultRank[newId];
        return true;
    }

    /// <summary>
    /// SentencePiece's final step for one symbol: its piece id (reserved pieces first, else unk); a merged unused piece is
    /// split back into its parts; an unknown one becomes the byte pieces of each code point (each sharing that code
    /// point's span) when byte fallback is on.
    /// </summary>
    private void Resegment(string word, int start, int end, Dictionary<(int Start, int End), int>? unusedSplits, List<int> result)
    {
        ReadOnlySpan<char> text = word.AsSpan(start, end - start);
        int id = _scored!.Reserved.TryGetValue(text, out int r) ? r : _resultBySpan.TryGetValue(text, out int m) ? m : _unkId!.Value;
        if (_scored.Unused[id] && unusedSplits is not null && unusedSplits.TryGetValue((start, end), out int split))
        {
            Resegment(word, start, split, unusedSplits, result);
            Resegment(word, split, end, unusedSplits, result);
            return;
        }
        if (id == _unkId && _byteFallback)
        {
            Span<byte> bytes = stackalloc byte[4];
            for (int i = start; i < end;)
            {
                int len = CodePointLength(word, i);
                int n = Encoding.UTF8.GetBytes(word.AsSpan(i, len), bytes);
                for (int k = 0; k < n; k++) AddTriple(result, _byteIds[bytes[k]] >= 0 ? _byteIds[bytes[k]] : id, i, i + len);
                i += len;
            }
            return;
        }
        AddTriple(result, id, start, end);
    }

    private static void AddTriple(List<int> result, int id, int start, int end)
    {
        result.Add(id);
        result.Add(start);
        result.Add(end);
    }
}
