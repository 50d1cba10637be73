using System.Text;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>One token produced by a BPE model: its id and the [From, To) units of the word it covers.</summary>
internal readonly record struct WordToken(int Id, int From, int To);

/// <summary>A BPE model: encodes one pre-tokenized word (normalized text) to token ids.</summary>
internal abstract class BpeModel
{
    /// <summary>Token string → id, for the model's own vocabulary (added tokens excluded).</summary>
    public abstract IReadOnlyDictionary<string, int> Vocabulary { get; }

    public abstract void Encode(string word, List<WordToken> output);

    /// <summary>The ids of the 256 byte-fallback pieces "&lt;0x00&gt;".."&lt;0xFF&gt;" (-1 where absent).</summary>
    protected static int[] ByteIds(IReadOnlyDictionary<string, int> vocab)
    {
        var ids = new int[256];
        for (int b = 0; b < 256; b++) ids[b] = vocab.TryGetValue(ByteToken(b), out int id) ? id : -1;
        return ids;
    }

    /// <summary>"&lt;0x0A&gt;" spelling of a byte piece, as both HF and SentencePiece write it.</summary>
    public static string ByteToken(int b) => $"<0x{b:X2}>";

    /// <summary>UTF-8 bytes of a code point given as a string; a lone surrogate becomes U+FFFD.</summary>
    protected static byte[] Utf8(ReadOnlySpan<char> codePoint) => Encoding.UTF8.GetBytes(codePoint.ToArray());

    /// <summary>Length in UTF-16 units of the code point at <paramref name="i"/> (2 for a valid surrogate pair).</summary>
    protected static int CodePointLength(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
}

/// <summary>
/// Hugging Face's BPE (tokenizers models/bpe): characters are looked up one by one (unknown ones become byte-fallback
/// pieces or the unknown token, fused when <c>fuse_unk</c>), then merges are applied lowest rank first, leftmost first on
/// ties, exactly as Word::merge_all does.
/// </summary>
internal sealed class RankedBpeModel : BpeModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int[] _byteIds;
    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly bool _byteFallback;
    private readonly bool _ignoreMerges;

    public RankedBpeModel(Dictionary<string, int> vocab, Dictionary<long, (int Rank, int NewId)> merges, int? unkId, bool fuseUnk, bool byteFallback, bool ignoreMerges)
    {
        _vocab = vocab;
        _lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        _unkId = unkId;
        _fuseUnk = fuseUnk;
        _byteFallback = byteFallback;
        _ignoreMerges = ignoreMerges;
        _byteIds = ByteIds(vocab);
    }

    public override IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private struct Symbol
    {
        public int Id;
        public int Prev;
        public int Next;
        public int From;
        public int To;
        public bool Removed;
    }

    public override void Encode(string word, List<WordToken> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _lookup.TryGetValue(word, out int whole))
        {
            output.Add(new WordToken(whole, 0, word.Length));
            return;
        }

        var symbols = new List<Symbol>(word.Length);
        void Add(int id, int from, int to) =>
            symbols.Add(new Symbol { Id = id, Prev = symbols.Count - 1, Next = -1, From = from, To = to });

        int unkFrom = -1, unkTo = -1;
        for (int i = 0; i < word.Length;)
        {
            int len = CodePointLength(word, i);
            ReadOnlySpan<char> ch = word.AsSpan(i, len);
            if (_lookup.TryGetValue(ch, out int id))
            {
                if (unkFrom >= 0) { Add(_unkId!.Value, unkFrom, unkTo); unkFrom = -1; }
                Add(id, i, i + len);
            }
            else if (_byteFallback && TryBytes(ch, out int[]? byteIds))
            {
                // HF adds byte pieces without flushing a pending unknown token first.
                foreach (int b in byteIds) Add(b, i, i + len);
            }
            else if (_unkId is int unk)
            {
                if (unkFrom >= 0 && _fuseUnk)
                {
                    unkTo = i + len;
                }
                else
                {
                    if (unkFrom >= 0) Add(unk, unkFrom, unkTo);
                    unkFrom = i; unkTo = i + len;
                }
            }
            // With neither byte fallback nor an unknown token the character is dropped, as in HF.
            i += len;
        }
        if (unkFrom >= 0) Add(_unkId!.Value, unkFrom, unkTo);

        Symbol[] s = [.. symbols];
        for (int i = 0; i + 1 < s.Length; i++) s[i].Next = i + 1;
        MergeAll(s);
        foreach (Symbol sym in s)
        {
            if (!sym.Removed) output.Add(new WordToken(sym.Id, sym.From, sym.To));
        }
    }

    private bool TryBytes(ReadOnlySpan<char> ch, out int[] ids)
    {
        byte[] bytes = Utf8(ch);
        ids = new int[bytes.Length];
        for (int k = 0; k < bytes.Length; k++)
        {
            ids[k] = _byteIds[bytes[k]];
            if (ids[k] < 0) return false;
        }
        return true;
    }

    private void MergeAll(Symbol[] s)
    {
        if (s.Length < 2) return;
        var queue = new PriorityQueue<(int Pos, int NewId), (int Rank, int Pos)>(s.Length);
        for (int i = 0; i + 1 < s.Length; i++)
        {
            if (_merges.TryGetValue(PairKey(s[i].Id, s[i + 1].Id), out var m)) queue.Enqueue((i, m.NewId), (m.Rank, i));
        }
        while (queue.TryDequeue(out var top, out _))
        {
            ref Symbol current = ref s[top.Pos];
            if (current.Removed || current.Next == -1) continue;
            int nextPos = current.Next;
            Symbol right = s[nextPos];
            // Skip expired entries: the pair now at this position must still produce the same token.
            if (!_merges.TryGetValue(PairKey(current.Id, right.Id), out var live) || live.NewId != top.NewId) continue;

            current.Id = top.NewId;
            current.To = Math.Max(current.To, right.To);
            current.From = Math.Min(current.From, right.From);
            current.Next = right.Next;
            s[nextPos].Removed = true;
            if (right.Next >= 0) s[right.Next].Prev = top.Pos;

            if (current.Prev >= 0 && _merges.TryGetValue(PairKey(s[current.Prev].Id, current.Id), out var before))
            {
                queue.Enqueue((current.Prev, before.NewId), (before.Rank, current.Prev));
            }
            if (current.Next >= 0 && _merges.TryGetValue(PairKey(current.Id, s[current.Next].Id), out var after))
            {
                queue.Enqueue((top.Pos, after.NewId), (after.Rank, top.Pos));
            }
        }
    }
}

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
/// SentencePiece's own BPE (bpe_model.cc): any adjacent pair whose concatenation is a normal, user-defined or unused piece
/// may merge, highest piece score first, leftmost first on ties; user-defined pieces are matched first and never merge;
/// merges into unused pieces are undone afterwards; what is left unknown becomes byte pieces (byte_fallback) or unk.
/// </summary>
internal sealed class ScoredBpeModel : BpeModel
{
    private readonly Dictionary<string, int> _vocab = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _mergeable;
    private readonly Dictionary<string, int> _mergeablePieces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _reserved;
    private readonly Dictionary<string, int> _reservedPieces = new(StringComparer.Ordinal);
    private readonly float[] _scores;
    private readonly PieceType[] _types;
    private readonly string[] _userDefined;
    private readonly int[] _byteIds;
    private readonly int _unkId;
    private readonly bool _byteFallback;

    public ScoredBpeModel(IReadOnlyList<(string Piece, float Score, PieceType Type)> pieces, int unkId, bool byteFallback)
    {
        _scores = new float[pieces.Count];
        _types = new PieceType[pieces.Count];
        var userDefined = new List<string>();
        for (int i = 0; i < pieces.Count; i++)
        {
            (string piece, float score, PieceType type) = pieces[i];
            _scores[i] = score;
            _types[i] = type;
            _vocab.TryAdd(piece, i);
            bool mergeable = type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused;
            (mergeable ? _mergeablePieces : _reservedPieces).TryAdd(piece, i);
            if (type == PieceType.UserDefined) userDefined.Add(piece);
        }
        _mergeable = _mergeablePieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _reserved = _reservedPieces.GetAlternateLookup<ReadOnlySpan<char>>();
        // Longest first, so that the first prefix match is the longest one.
        _userDefined = [.. userDefined.OrderByDescending(p => p.Length)];
        _unkId = unkId;
        _byteFallback = byteFallback;
        _byteIds = ByteIds(_vocab);
    }

    public override IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    private struct Symbol
    {
        public int Prev;
        public int Next;
        public int From;
        public int To;
        public bool Freeze;
        public int Length => To - From;
    }

    private readonly struct PairOrder : IComparer<(float Score, int Left)>
    {
        public int Compare((float Score, int Left) x, (float Score, int Left) y)
        {
            int c = y.Score.CompareTo(x.Score);  // larger score first
            return c != 0 ? c : x.Left.CompareTo(y.Left);
        }
    }

    public override void Encode(string word, List<WordToken> output)
    {
        if (word.Length == 0) return;
        var list = new List<Symbol>(word.Length);
        for (int i = 0; i < word.Length;)
        {
            int len = 0;
            bool freeze = false;
            foreach (string ud in _userDefined)
            {
                if (word.AsSpan(i).StartsWith(ud, StringComparison.Ordinal)) { len = ud.Length; freeze = true; break; }
            }
            if (len == 0) len = CodePointLength(word, i);
            list.Add(new Symbol { Prev = list.Count - 1, Next = i + len < word.Length ? list.Count + 1 : -1, From = i, To = i + len, Freeze = freeze });
            i += len;
        }
        Symbol[] s = [.. list];
        var agenda = new PriorityQueue<(int Left, int Right, int Size), (float Score, int Left)>(new PairOrder());
        Dictionary<(int From, int To), (int LeftTo, int RightFrom)>? revMerge = null;

        void MaybeAdd(int left, int right)
        {
            if (left < 0 || right < 0 || s[left].Freeze || s[right].Freeze) return;
            int from = s[left].From, to = s[right].To;
            if (!_mergeable.TryGetValue(word.AsSpan(from, to - from), out int id)) return;
            agenda.Enqueue((left, right, to - from), (_scores[id], left));
            if (_types[id] == PieceType.Unused)
            {
                revMerge ??= [];
                revMerge[(from, to)] = (s[left].To, s[right].From);
            }
        }

        for (int i = 1; i < s.Length; i++) MaybeAdd(i - 1, i);
        while (agenda.TryDequeue(out var top, out _))
        {
            if (s[top.Left].Length == 0 || s[top.Right].Length == 0 || s[top.Left].Length + s[top.Right].Length != top.Size) continue;
            s[top.Left].To = s[top.Right].To;
            s[top.Left].Next = s[top.Right].Next;
            if (s[top.Right].Next >= 0) s[s[top.Right].Next].Prev = top.Left;
            s[top.Right].To = s[top.Right].From;  // empty: removed
            MaybeAdd(s[top.Left].Prev, top.Left);
            MaybeAdd(top.Left, s[top.Left].Next);
        }

        for (int index = 0; index != -1; index = s[index].Next)
        {
            Resegment(word, s[index].From, s[index].To, revMerge, output);
        }
    }

    private int PieceToId(ReadOnlySpan<char> piece)
    {
        if (_reserved.TryGetValue(piece, out int id)) return id;
        if (_mergeable.TryGetValue(piece, out id)) return id;
        return _unkId;
    }

    private void Resegment(string word, int from, int to, Dictionary<(int From, int To), (int LeftTo, int RightFrom)>? revMerge, List<WordToken> output)
    {
        int id = PieceToId(word.AsSpan(from, to - from));
        if (id >= 0 && _types[id] == PieceType.Unused && revMerge is not null && revMerge.TryGetValue((from, to), out var split))
        {
            Resegment(word, from, split.LeftTo, revMerge, output);
            Resegment(word, split.RightFrom, to, revMerge, output);
            return;
        }
        if (id == _unkId && _byteFallback)
        {
            // Each code point's bytes share that code point's span.
            for (int i = from; i < to;)
            {
                int len = CodePointLength(word, i);
                foreach (byte b in Utf8(word.AsSpan(i, len)))
                {
                    int byteId = _byteIds[b];
                    output.Add(new WordToken(byteId >= 0 ? byteId : _unkId, i, i + len));
                }
                i += len;
            }
            return;
        }
        output.Add(new WordToken(id, from, to));
    }
}
