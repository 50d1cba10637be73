using System.Security.Cryptography;
using System.Text;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Dictionaries.Activations;

/// <summary>How a text source turns documents into windows.</summary>
public enum TextPacking
{
    /// <summary>
    /// Documents are concatenated into one token stream (each preceded by BOS when BOS is prepended) and the stream is cut
    /// into consecutive windows; a window that starts inside a document gets a BOS of its own in front. No padding except in
    /// the last window. This is SAELens' packing; nothing is thrown away.
    /// </summary>
    Concatenate,

    /// <summary>
    /// One document per window ([BOS] + its tokens), cut at the context length and padded after its end; the rest of a long
    /// document is dropped. This is dictionary_learning's buffer.
    /// </summary>
    Truncate,
}

/// <summary>
/// A text corpus tokenized into windows for a language model: documents from a <see cref="TextCorpus"/> (plain text, JSON
/// Lines, Parquet), encoded with an <see cref="ITokenizer"/> without its special tokens, optionally each prefixed with BOS,
/// then packed (<see cref="TextPacking"/>; default <see cref="TextPacking.Concatenate"/>).
/// </summary>
/// <remarks>
/// Concatenate, with BOS id B and context 4: documents "a b c" and "d e" become the stream B a b c B d e, cut into windows
/// [B a b c] [B d e pad], where the second window's B is the second document's own. Documents "a b c d e f" and "g" give
/// [B a b c] [B d e f] [B g pad pad]: the second window starts inside the document, so a BOS is put in front of it.
/// </remarks>
public sealed class TextTokenSource : ITokenSource
{
    private readonly TextCorpus _corpus;
    private readonly ITokenizer _tokenizer;
    private readonly int _padId;

    /// <summary>Creates the source.</summary>
    /// <param name="corpus">The documents.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="contextLength">Tokens per window (BOS included).</param>
    /// <param name="packing">Concatenate (default) or truncate per document.</param>
    /// <param name="prependBos">Put the tokenizer's BOS before every document (and window); null: when the tokenizer has one.</param>
    /// <exception cref="ArgumentException">BOS is asked for and the tokenizer has none, or the context is too short.</exception>
    public TextTokenSource(TextCorpus corpus, ITokenizer tokenizer, int contextLength, TextPacking packing = TextPacking.Concatenate, bool? prependBos = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(tokenizer);
        bool bos = prependBos ?? tokenizer.BosId is not null;
        if (bos && tokenizer.BosId is null) throw new ArgumentException("the tokenizer has no BOS token to prepend; pass prependBos: false", nameof(prependBos));
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, bos ? 2 : 1);
        _corpus = corpus;
        _tokenizer = tokenizer;
        ContextLength = contextLength;
        Packing = packing;
        BosId = bos ? tokenizer.BosId : null;
        _padId = tokenizer.PadId ?? tokenizer.EosId ?? 0;
        Description = $"text {corpus.Description}; tokenizer {Fingerprint(tokenizer)}; context {contextLength}; " +
            $"packing {packing.ToString().ToLowerInvariant()}; bos {(BosId is { } b ? b.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}";
    }

    /// <inheritdoc />
    public int ContextLength { get; }

    /// <summary>How documents become windows.</summary>
    public TextPacking Packing { get; }

    /// <summary>The tokenizer's BOS id when BOS is prepended, else null.</summary>
    public int? BosId { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public ITokenWindowReader Open() => new Reader(this, _corpus.Documents().GetEnumerator());

    /// <summary>"vocab N, bos B, sha256 …": the vocabulary size, special ids and a hash of every id's token string.</summary>
    private static string Fingerprint(ITokenizer tokenizer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        for (int id = 0; id < tokenizer.VocabSize; id++)
        {
            line.Clear().Append(id).Append('\t').Append(tokenizer.IdToToken(id)).Append('\n');
            hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
        }
        return $"vocab {tokenizer.VocabSize}, bos {tokenizer.BosId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, " +
            $"sha256 {Convert.ToHexStringLower(hash.GetHashAndReset())[..16]}";
    }

    private sealed class Reader(TextTokenSource source, IEnumerator<string> documents) : ITokenWindowReader
    {
        private int[] _queue = new int[Math.Max(16, 2 * source.ContextLength)];   // concatenate: tokens not yet windowed
        private int _head, _count;
        private bool _documentsEnded;

        public bool Read(Span<long> ids, Span<bool> real)
        {
            TokenWindows.CheckLength(ids, real, source.ContextLength);
            return source.Packing == TextPacking.Concatenate ? ReadConcatenated(ids, real) : ReadTruncated(ids, real);
        }

        private bool ReadTruncated(Span<long> ids, Span<bool> real)
        {
            if (!NextDocument(out IReadOnlyList<int> tokens)) return false;
            int at = 0;
            if (source.BosId is { } bos) ids[at++] = bos;
            for (int i = 0; at < ids.Length && i < tokens.Count; i++) ids[at++] = tokens[i];
            real[..at].Fill(true);
            real[at..].Fill(false);
            ids[at..].Fill(source._padId);
            return true;
        }

        private bool ReadConcatenated(Span<long> ids, Span<bool> real)
        {
            int length = ids.Length;
            while (_count < length && !_documentsEnded)
            {
                if (!NextDocument(out IReadOnlyList<int> tokens))
                {
                    _documentsEnded = true;
                    break;
                }
                Append(tokens);
            }
            if (_count == 0) return false;
            int at = 0;
            if (source.BosId is { } bos && _queue[_head] != bos) ids[at++] = bos;
            int take = Math.Min(_count, length - at);
            for (int i = 0; i < take; i++) ids[at++] = _queue[_head + i];
            _head += take;
            _count -= take;
            real[..at].Fill(true);
            real[at..].Fill(false);
            ids[at..].Fill(source._padId);
            return true;
        }

        // The next non-empty document's tokens (special tokens are not added by the tokenizer; BOS is ours).
        private bool NextDocument(out IReadOnlyList<int> tokens)
        {
            while (documents.MoveNext())
            {
                tokens = source._tokenizer.Encode(documents.Current, addSpecialTokens: false).Ids;
                if (tokens.Count > 0) return true;
            }
            tokens = [];
            return false;
        }

        private void Append(IReadOnlyList<int> tokens)
        {
            int needed = _count + tokens.Count + 1;
            if (_head + needed > _queue.Length)
            {
                if (needed > _queue.Length) Array.Resize(ref _queue, Math.Max(needed, 2 * _queue.Length));
                Array.Copy(_queue, _head, _queue, 0, _count);
                _head = 0;
            }
            int end = _head + _count;
            if (source.BosId is { } bos) _queue[end++] = bos;
            for (int i = 0; i < tokens.Count; i++) _queue[end++] = tokens[i];
            _count = end - _head;
        }

        public void Dispose() => documents.Dispose();
    }
}
