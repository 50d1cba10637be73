using SharpSight.Games.Chess;
using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Games.Training;

/// <summary>One greedy continuation to decode: after the first <paramref name="Prefix"/> characters of transcript <paramref name="Row"/>.</summary>
/// <param name="Row">Index of the transcript.</param>
/// <param name="Prefix">Characters of the true transcript the model reads first (at least 1).</param>
/// <param name="Budget">The most characters to write (at least 1).</param>
public readonly record struct ChessContinuationRequest(int Row, int Prefix, int Budget);

/// <summary>
/// Greedy character-by-character continuation of many transcript prefixes at once, for the legal-move rate.
/// </summary>
/// <remarks>
/// The prefixes of one transcript share their computation: a causal model's keys and values at positions before p do
/// not depend on what comes after, so one teacher-forced pass over the whole transcript gives every prefix's key/value
/// cache (and, from its logits, every first character). Continuations are then decoded in batches, each row's cache
/// slice left-padded under an attention mask, one position per further character. Versus running every prefix
/// through the model, this saves a factor of about the number of moves in the window.
/// </remarks>
public static class ChessGreedyDecoder
{
    /// <summary>
    /// The greedy continuation of each request: characters up to (not including) the first space, at most its budget.
    /// </summary>
    /// <param name="model">A character-level chess model.</param>
    /// <param name="transcripts">Chess-vocabulary ids of the true transcripts (characters beyond the model's positions are not read).</param>
    /// <param name="requests">What to decode; a prefix plus its budget must fit the model's positions + 1.</param>
    /// <param name="transcriptsPerPass">Transcripts run (and their caches held) together.</param>
    /// <param name="batchSize">Continuations decoded together.</param>
    public static string[] Continue(TransformerModel model, IReadOnlyList<int[]> transcripts, IReadOnlyList<ChessContinuationRequest> requests,
        int transcriptsPerPass = 8, int batchSize = 64)
    {
        int positions = model.Config.MaxPositions;
        foreach (var (row, prefix, budget) in requests)
            if (row < 0 || row >= transcripts.Count || prefix < 1 || prefix > transcripts[row].Length || budget < 1 || prefix + budget - 1 > positions)
                throw new ArgumentException($"continuation of transcript {row} after {prefix} characters, at most {budget}: outside the transcripts or the model's {positions} positions");
        var results = new string[requests.Count];
        ILookup<int, int> byRow = Enumerable.Range(0, requests.Count).ToLookup(i => requests[i].Row);
        int[] rows = [.. byRow.Select(g => g.Key).Order()];
        using var noGrad = no_grad();
        for (int start = 0; start < rows.Length; start += transcriptsPerPass)
        {
            int[] passRows = rows[start..Math.Min(rows.Length, start + transcriptsPerPass)];
            using var pass = new TeacherForcedPass(model, [.. passRows.Select(r => transcripts[r])]);
            // (request index, row within the pass), shortest prefix first so that a batch pays for little padding.
            var passRequests = passRows.SelectMany((row, local) => byRow[row].Select(i => (Request: i, Local: local)))
                .OrderBy(x => requests[x.Request].Prefix).ToList();
            foreach (var batch in Batches(passRequests, x => requests[x.Request], batchSize, positions))
            {
                string[] texts = DecodeBatch(model, pass, [.. batch.Select(x => x.Local)], [.. batch.Select(x => requests[x.Request])]);
                for (int b = 0; b < batch.Length; b++) results[batch[b].Request] = texts[b];
            }
        }
        return results;
    }

    // Cuts requests (already in order of prefix length) into batches. A batch's cache holds longest prefix + steps - 1
    // columns (padding and finished rows included), which must fit the model's positions; near the end of the window,
    // where budgets shrink as prefixes grow, that splits batches, so that no budget ever depends on the batch-mates.
    private static IEnumerable<T[]> Batches<T>(IEnumerable<T> items, Func<T, ChessContinuationRequest> request, int batchSize, int positions)
    {
        var batch = new List<T>();
        int longest = 0, mostSteps = 0;
        foreach (T item in items)
        {
            var (_, prefix, budget) = request(item);
            if (batch.Count == batchSize || (batch.Count > 0 && Math.Max(longest, prefix) + Math.Max(mostSteps, budget) - 1 > positions))
            {
                yield return [.. batch];
                batch.Clear();
                (longest, mostSteps) = (0, 0);
            }
            batch.Add(item);
            (longest, mostSteps) = (Math.Max(longest, prefix), Math.Max(mostSteps, budget));
        }
        if (batch.Count > 0) yield return [.. batch];
    }

    private static string[] DecodeBatch(TransformerModel model, TeacherForcedPass pass, int[] passRows, ChessContinuationRequest[] requests)
    {
        int rows = requests.Length, longest = requests.Max(r => r.Prefix);
        using KeyValueCache cache = pass.CacheFor(model, passRows, [.. requests.Select(r => r.Prefix)], longest);
        var mask = new List<long>[rows];
        for (int r = 0; r < rows; r++) mask[r] = [.. Enumerable.Repeat(0L, longest - requests[r].Prefix), .. Enumerable.Repeat(1L, requests[r].Prefix)];
        var texts = new System.Text.StringBuilder[rows];
        for (int r = 0; r < rows; r++) texts[r] = new();
        var done = new bool[rows];
        long[] next = [.. Enumerable.Range(0, rows).Select(r => pass.Greedy(passRows[r], requests[r].Prefix - 1))];
        while (true)
        {
            var ids = new long[rows];
            for (int r = 0; r < rows; r++)
            {
                if (!done[r])
                {
                    char c = ChessVocabulary.Characters[(int)next[r]];
                    if (c == ' ') done[r] = true;
                    else
                    {
                        texts[r].Append(c);
                        done[r] = texts[r].Length >= requests[r].Budget;
                    }
                    ids[r] = next[r];
                }
                // A finished row's new position is masked out: its position stops advancing (so it cannot run past the
                // learned positions) and no other row sees it.
                mask[r].Add(done[r] ? 0 : 1);
            }
            if (done.All(d => d)) break;
            using var scope = NewDisposeScope();
            Tensor input = tensor(ids, ScalarType.Int64, model.Device).view(rows, 1);
            Tensor attention = tensor(mask.SelectMany(m => m).ToArray(), ScalarType.Int64, model.Device).view(rows, -1);
            next = model.Forward(input, attention, cache).select(1, -1).argmax(-1).cpu().data<long>().ToArray();
        }
        return [.. texts.Select(t => t.ToString())];
    }

    /// <summary>One causal pass over whole transcripts: every position's keys, values and greedy next character.</summary>
    private sealed class TeacherForcedPass : IDisposable
    {
        private readonly Tensor[] _keys, _values;   // per layer [transcripts, kv_heads, length, head_dim]
        private readonly long[] _greedy;             // [transcripts, length]
        private readonly int _length;

        public TeacherForcedPass(TransformerModel model, int[][] transcripts)
        {
            _length = Math.Min(transcripts.Max(t => t.Length), model.Config.MaxPositions);
            var ids = new long[transcripts.Length * _length];   // shorter transcripts padded at the end: a causal model never reads it
            for (int t = 0; t < transcripts.Length; t++)
                for (int i = 0; i < Math.Min(_length, transcripts[t].Length); i++) ids[t * _length + i] = transcripts[t][i];
            string keyHook = model.Config.Positions == PositionKind.Rotary ? "hook_rot_k" : "hook_k";   // the cache stores keys after rotation
            using var scope = NewDisposeScope();
            using Tensor input = tensor(ids, ScalarType.Int64, model.Device).view(transcripts.Length, _length);
            var (logits, activations) = ActivationCache.Run(model, input, include: ActivationCache.Matching($"blocks.*.attn.{keyHook}", "blocks.*.attn.hook_v"));
            using (activations)
            {
                // Hook points are [batch, pos, kv_heads, head_dim]; the cache is [batch, kv_heads, pos, head_dim].
                _keys = [.. Enumerable.Range(0, model.Config.Layers).Select(l => activations[$"blocks.{l}.attn.{keyHook}"].transpose(1, 2).contiguous().DetachFromDisposeScope())];
                _values = [.. Enumerable.Range(0, model.Config.Layers).Select(l => activations[$"blocks.{l}.attn.hook_v"].transpose(1, 2).contiguous().DetachFromDisposeScope())];
            }
            _greedy = logits.argmax(-1).cpu().data<long>().ToArray();
        }

        /// <summary>The greedy character after position <paramref name="position"/> of a transcript.</summary>
        public long Greedy(int transcript, int position) => _greedy[transcript * _length + position];

        /// <summary>A cache of each row's first prefix[r] positions, left-padded to <paramref name="longest"/>.</summary>
        public KeyValueCache CacheFor(TransformerModel model, int[] transcripts, int[] prefixes, int longest)
        {
            using var scope = NewDisposeScope();
            var index = new long[transcripts.Length * longest];   // column j of row r reads position j - padding (0 under the padding: masked)
            for (int r = 0; r < transcripts.Length; r++)
                for (int j = longest - prefixes[r]; j < longest; j++) index[r * longest + j] = j - (longest - prefixes[r]);
            Tensor rows = tensor(transcripts.Select(t => (long)t).ToArray(), ScalarType.Int64, model.Device);
            Tensor columns = tensor(index, ScalarType.Int64, model.Device).view(transcripts.Length, 1, longest, 1);
            var cache = model.NewCache();
            for (int layer = 0; layer < _keys.Length; layer++)
            {
                Tensor keys = _keys[layer].index_select(0, rows), values = _values[layer].index_select(0, rows);
                Tensor gather = columns.expand(-1, keys.shape[1], -1, keys.shape[3]);
                cache.Append(layer, keys.gather(2, gather), values.gather(2, gather));
            }
            return cache;
        }

        public void Dispose()
        {
            foreach (Tensor t in _keys.Concat(_values)) t.Dispose();
        }
    }
}
