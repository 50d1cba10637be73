using SharpSight.Dictionaries;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// SAEBench's "core" evaluation of several dictionaries read from one hook point, in one pass over the token batches.
/// Per batch the model runs once clean (recording the hook's activation x), once with the activation zero-ablated, and
/// once per dictionary with x replaced by the dictionary's reconstruction x̂ = decode(encode(x)) (no error term). Each
/// dictionary's features are computed once per batch and feed its <see cref="ReconstructionStatistics"/>,
/// <see cref="FeatureDensityStatistics"/> and <see cref="DownstreamLossStatistics"/>; the clean and ablated values are
/// shared by all dictionaries. Unlike SAEBench, no special tokens are masked out: every position counts.
/// For a hook "blocks.L.hook_resid_post" the edited runs start from the hook (blocks L + 1.. only, the same logits as a
/// whole forward pass with the value swapped in), since recomputing the blocks before it would dominate the time.
/// </summary>
public static class CoreEvaluation
{
    /// <summary>Evaluates <paramref name="dictionaries"/> at <paramref name="hook"/> of <paramref name="model"/>.</summary>
    /// <param name="model">The model (its hook points must carry no other hooks that change the activation).</param>
    /// <param name="hook">A hook point of shape [batch, pos, d], e.g. "blocks.3.hook_resid_post".</param>
    /// <param name="dictionaries">At least one dictionary, each with d_in = d (not disposed).</param>
    /// <param name="tokenBatches">Token ids [B, T] (int64, T ≥ 2; not disposed).</param>
    /// <param name="tokensDone">Receives the number of tokens evaluated so far after each batch.</param>
    /// <returns>One result per dictionary, in order.</returns>
    /// <exception cref="ArgumentException">No dictionaries, an unknown hook, a hook that is not [batch, pos, d], a dictionary
    /// whose d_in is not d, a malformed batch, or no batches at all.</exception>
    public static IReadOnlyList<CoreMetrics> Run(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries,
        IEnumerable<Tensor> tokenBatches, IProgress<long>? tokensDone = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenBatches);
        HookPoint point = CheckedHook(model, hook, dictionaries);
        ResidualTail? tail = ResidualTail.After(model, hook);
        var reconstruction = dictionaries.Select(_ => new ReconstructionStatistics()).ToArray();
        var downstream = dictionaries.Select(_ => new DownstreamLossStatistics()).ToArray();
        var density = dictionaries.Select(d => new FeatureDensityStatistics(d.Width)).ToArray();
        long tokens = 0;
        using (no_grad())
        {
            foreach (Tensor ids in tokenBatches)
            {
                CheckBatch(ids);
                using var scope = NewDisposeScope();
                Tensor input = ids.to(model.Device);
                (Tensor cleanLogits, Tensor activation) = RunRecording(model, point, input, scope);
                Tensor ablatedLogits = RunReplacing(model, point, tail, input, zeros_like(activation));
                using NextTokenReference reference = NextTokenReference.Create(cleanLogits, ablatedLogits, ids);
                for (int i = 0; i < dictionaries.Count; i++)
                {
                    using var dictionaryScope = NewDisposeScope();
                    SparseDictionary dictionary = dictionaries[i];
                    Tensor x = activation.reshape(-1, dictionary.InputSize).to(dictionary.EncoderWeight.dtype, dictionary.EncoderWeight.device);
                    Tensor features = dictionary.Encode(x);
                    Tensor reconstructed = dictionary.Decode(features);
                    Tensor spliced = reconstructed.reshape(activation.shape).to(activation.dtype, activation.device);
                    downstream[i].Add(reference, RunReplacing(model, point, tail, input, spliced));
                    reconstruction[i].Add(x, reconstructed, features);
                    density[i].Add(features.reshape(ids.shape[0], ids.shape[1], dictionary.Width));
                }
                tokens += ids.shape[0] * ids.shape[1];
                tokensDone?.Report(tokens);
            }
        }
        if (tokens == 0) throw new ArgumentException("tokenBatches held no batches", nameof(tokenBatches));
        return [.. dictionaries.Select((d, i) => new CoreMetrics(reconstruction[i], downstream[i], density[i], DictionaryGeometry.Measure(d)))];
    }

    // The clean logits and a copy of the hook's activation, both owned by the batch's scope.
    private static (Tensor Logits, Tensor Activation) RunRecording(TransformerModel model, HookPoint point, Tensor input, DisposeScope batchScope)
    {
        Tensor? recorded = null;
        Tensor logits;
        using (point.Add((activation, _) =>
        {
            // The forward pass frees its own tensors: move the copy to the batch's scope.
            recorded?.Dispose();
            recorded = activation.detach().clone().MoveToOtherDisposeScope(batchScope);
            return null;
        }))
        {
            logits = model.Forward(input);
        }
        return recorded is null
            ? throw new InvalidOperationException($"hook point '{point.Name}' was not reached by the forward pass")
            : (logits, recorded);
    }

    // Logits with the hook's activation replaced by (a copy of) a tensor of the same shape: from the tail of the model
    // after a resid_post hook, or else by a whole forward pass whose hook swaps the value in.
    private static Tensor RunReplacing(TransformerModel model, HookPoint point, ResidualTail? tail, Tensor input, Tensor replacement)
    {
        if (tail is not null) return tail.Logits(replacement);
        using IDisposable removal = point.Add((activation, _) => activation.shape.SequenceEqual(replacement.shape)
            ? replacement.clone()   // a copy: the model may edit the value it is given in place
            : throw new InvalidOperationException($"hook '{point.Name}' gave [{string.Join(", ", activation.shape)}] on a rerun, [{string.Join(", ", replacement.shape)}] at first"));
        return model.Forward(input);
    }

    private static HookPoint CheckedHook(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(dictionaries);
        if (dictionaries.Count == 0) throw new ArgumentException("at least one dictionary is needed, got 0", nameof(dictionaries));
        if (!model.Hooks.TryGet(hook, out HookPoint point))
        {
            // The indexer's message names the closest hook points.
            try { _ = model.Hooks[hook]; }
            catch (KeyNotFoundException e) { throw new ArgumentException(e.Message, nameof(hook)); }
        }
        IReadOnlyList<HookDim> dims = point.Shape.Dims;
        if (dims.Count != 3 || dims[0] != HookDim.Batch || dims[1] != HookDim.Position || dims[2].Symbol is not null)
            throw new ArgumentException($"hook '{hook}' must have shape [batch, pos, d], got {point.Shape}", nameof(hook));
        long size = dims[2].Size;
        for (int i = 0; i < dictionaries.Count; i++)
        {
            SparseDictionary dictionary = dictionaries[i] ?? throw new ArgumentException($"dictionary {i} is null", nameof(dictionaries));
            if (dictionary.InputSize != size)
                throw new ArgumentException($"dictionary {i} ({dictionary.Config.Architecture}, d_sae {dictionary.Width}) reads d_in {dictionary.InputSize} but hook '{hook}' has d {size}", nameof(dictionaries));
        }
        return point;
    }

    private static void CheckBatch(Tensor ids)
    {
        if (ids is null || ids.dim() != 2 || ids.dtype != ScalarType.Int64 || ids.shape[1] < 2 || ids.shape[0] == 0)
            throw new ArgumentException($"token batches must be int64 [batch, pos] with pos ≥ 2, got {(ids is null ? "null" : $"{ids.dtype} [{string.Join(", ", ids.shape)}]")}", "tokenBatches");
    }
}
