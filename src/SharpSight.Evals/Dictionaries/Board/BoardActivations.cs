using SharpSight.Dictionaries;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// Model activations at the read points of a split, collected a batch of games per forward pass (games padded at the end,
/// which a causal model never lets reach a real position), and dictionary features of them.
/// </summary>
internal static class BoardActivations
{
    /// <summary>Checks that <paramref name="hook"/> is a [batch, pos, d] hook point of the model and the games fit its context.</summary>
    public static void CheckModel(TransformerModel model, string hook, BoardGameSplit split, int vocabulary)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(hook);
        if (!model.Hooks.Contains(hook)) throw new ArgumentException($"hook '{hook}' is not a hook point of the model");
        if (model.Hooks[hook].Shape.Dims.Count != 3) throw new ArgumentException($"hook point '{hook}' is not [batch, pos, d]");
        if (model.Config.VocabSize < vocabulary)
            throw new ArgumentException($"the model's vocabulary ({model.Config.VocabSize}) is smaller than the {split.Game} vocabulary ({vocabulary})");
        for (int g = 0; g < split.Games; g++)
            if (split.TokenIds(g).Length > model.Config.MaxPositions)
                throw new ArgumentException($"{split.Game} game {g} has {split.TokenIds(g).Length} tokens, more than the model's {model.Config.MaxPositions} positions");
    }

    /// <summary>Activations [rows, d] (float32, CPU) at every read point of the split, rows in order.</summary>
    public static Tensor Collect(TransformerModel model, string hook, BoardGameSplit split, int batchGames)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (int[] batch in Enumerable.Range(0, split.Games).Chunk(batchGames))
        {
            using var batchScope = NewDisposeScope();
            Tensor acts = Run(model, hook, split, batch);                       // [b, L, d]
            long length = acts.shape[1];
            long[] rows = [.. batch.SelectMany((game, b) => split.ReadIndices(game).Select(i => b * length + i))];
            using Tensor index = tensor(rows, ScalarType.Int64, acts.device);
            parts.Add(acts.reshape(-1, acts.shape[2]).index_select(0, index).to(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
        }
        return (parts.Count == 0 ? zeros(0, model.Hooks[hook].Shape.Dims[2].Size) : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    /// <summary>The dictionary's features of activations [rows, d], as sparse rows.</summary>
    public static SparseFeatureRows Encode(SparseDictionary dictionary, Tensor activations)
    {
        const long ChunkRows = 2048;
        var builder = new SparseFeatureRows.Builder(dictionary.Width);
        using var noGrad = no_grad();
        for (long start = 0; start < activations.shape[0]; start += ChunkRows)
        {
            using var scope = NewDisposeScope();
            Tensor x = activations.narrow(0, start, Math.Min(ChunkRows, activations.shape[0] - start))
                .to(dictionary.EncoderWeight.dtype, dictionary.EncoderWeight.device);
            builder.Append(dictionary.Encode(x));
        }
        return builder.Build();
    }

    /// <summary>
    /// Per game, the activation of each of <paramref name="features"/> at every token ([features][tokens]), by running the
    /// model on the games again (used for the few games shown in dashboards).
    /// </summary>
    public static Dictionary<int, float[][]> Trace(TransformerModel model, string hook, SparseDictionary dictionary, BoardGameSplit split,
        IReadOnlyCollection<int> games, int[] features)
    {
        var traces = new Dictionary<int, float[][]>();
        using var noGrad = no_grad();
        foreach (int[] batch in games.Chunk(16))
        {
            using var scope = NewDisposeScope();
            Tensor acts = Run(model, hook, split, batch).to(dictionary.EncoderWeight.dtype, dictionary.EncoderWeight.device);
            using Tensor chosen = tensor([.. features.Select(f => (long)f)], ScalarType.Int64, acts.device);
            Tensor values = dictionary.Encode(acts).index_select(2, chosen).to(ScalarType.Float32).cpu().contiguous();   // [b, L, k]
            float[] flat = values.data<float>().ToArray();
            long length = values.shape[1];
            for (int b = 0; b < batch.Length; b++)
            {
                int tokens = split.TokenIds(batch[b]).Length;
                traces[batch[b]] = [.. features.Select((_, k) => Enumerable.Range(0, tokens).Select(i => flat[(b * length + i) * features.Length + k]).ToArray())];
            }
        }
        return traces;
    }

    // The hook's activations [b, L, d] for a batch of games padded to the longest.
    private static Tensor Run(TransformerModel model, string hook, BoardGameSplit split, int[] games)
    {
        long[][] ids = [.. games.Select(split.TokenIds)];
        int length = Math.Max(1, ids.Max(t => t.Length));
        var padded = new long[games.Length * length];
        Array.Fill(padded, split.PadId);
        for (int b = 0; b < ids.Length; b++) ids[b].CopyTo(padded, b * length);
        using var noGrad = no_grad();
        using Tensor input = tensor(padded, [games.Length, length], ScalarType.Int64, model.Device);
        (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, input, include: name => name == hook);
        logits.Dispose();
        using (cache) return cache[hook].alias();
    }
}
